package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/evshim/evshim/internal/loadgen"
)

// The package's TestMain, with goleak, is in main_test.go.

func runBenchCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBenchLoadJSON(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "hello\n")
	}))
	t.Cleanup(srv.Close)
	code, stdout, stderr := runBenchCmd(t, "bench", "load", "-n", "20", "-c", "2", "-k", "-json", srv.URL+"/")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// stderr is a buffer, not a terminal: no progress line may appear.
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
	var res struct {
		Responses   int64            `json:"responses"`
		Concurrency int              `json:"concurrency"`
		KeepAlive   bool             `json:"keep_alive"`
		Errors      map[string]int64 `json:"errors"`
		Latency     map[string]int64 `json:"latency"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if res.Responses != 20 || hits.Load() != 20 || res.Concurrency != 2 || !res.KeepAlive {
		t.Errorf("responses %d (server saw %d), concurrency %d, keep_alive %v; want 20, 20, 2, true",
			res.Responses, hits.Load(), res.Concurrency, res.KeepAlive)
	}
	if _, ok := res.Errors["short_body"]; !ok || res.Latency["p99_ns"] <= 0 {
		t.Errorf("errors %v, latency %v: want every error kind and a positive p99", res.Errors, res.Latency)
	}
}

// resetHandler resets every connection without a response.
func resetHandler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	}
}

// loadResult is the part of bench load's JSON that the tests check.
type loadResult struct {
	Responses   int64            `json:"responses"`
	ErrorsTotal int64            `json:"errors_total"`
	Errors      map[string]int64 `json:"errors"`
	Status      map[string]int64 `json:"status"`
	Histogram   []struct {
		Low, High int64
		Count     int64
	} `json:"histogram"`
}

func TestBenchLoadExitStatus(t *testing.T) {
	var every5th atomic.Int64
	handlers := map[string]http.HandlerFunc{
		"ok": func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") },
		"500": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "failing on purpose", http.StatusInternalServerError)
		},
		"reset": resetHandler(t),
		"some500": func(w http.ResponseWriter, r *http.Request) {
			if every5th.Add(1)%5 == 0 {
				http.Error(w, "failing on purpose", http.StatusInternalServerError)
				return
			}
			io.WriteString(w, "hello\n")
		},
	}
	urls := map[string]string{}
	hits := map[string]*atomic.Int64{}
	for name, h := range handlers {
		n := new(atomic.Int64)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			h(w, r)
		}))
		t.Cleanup(srv.Close)
		urls[name], hits[name] = srv.URL+"/", n
	}
	tests := []struct {
		name      string
		server    string
		flags     []string
		want      int
		responses int64  // responses of any status
		errors    int64  // errors_total
		hits      int64  // requests the server saw; -1: not checked
		stderr    string // a substring of stderr; "" means stderr is empty
		reason    string
	}{
		{name: "ok", server: "ok", flags: []string{"-n", "20", "-c", "2", "-k"}, want: 0, responses: 20, hits: 20,
			reason: "every request got a 200"},
		{name: "all-500", server: "500", flags: []string{"-n", "10", "-c", "2"}, want: 1, responses: 10, errors: 10, hits: 10,
			stderr: "10 of 10 requests failed (bad_status 10)", reason: "a 500 is a failed request"},
		{name: "all-500-allowed", server: "500", flags: []string{"-n", "10", "-c", "2", "-allow-errors"}, want: 0, responses: 10, errors: 10, hits: 10,
			reason: "-allow-errors accepts failed requests"},
		{name: "some-500-keepalive", server: "some500", flags: []string{"-n", "50", "-c", "5", "-k"}, want: 1, responses: 50, errors: 10, hits: 50,
			stderr: "10 of 50 requests failed (bad_status 10)", reason: "one failure in five is still failures"},
		{name: "reset-stops", server: "reset", flags: []string{"-n", "10"}, want: 1, errors: 1, hits: 1,
			stderr: "stopped at the first failed request", reason: "without -r the first error ends the run"},
		{name: "reset-r", server: "reset", flags: []string{"-n", "10", "-c", "2", "-r"}, want: 1, errors: 10, hits: 10,
			stderr: "10 of 10 requests failed (reset 10)", reason: "-r goes on but the run still failed"},
		{name: "reset-allowed", server: "reset", flags: []string{"-n", "10", "-c", "2", "-allow-errors"}, want: 0, errors: 10, hits: 10,
			reason: "-allow-errors implies -r and exits 0"},
	}
	for _, engine := range loadgen.Engines() {
		for _, tt := range tests {
			t.Run("engine="+engine+"/case="+tt.name, func(t *testing.T) {
				before := hits[tt.server].Load()
				args := append(append([]string{"bench", "load", "-json", "-engine", engine}, tt.flags...), urls[tt.server])
				code, stdout, stderr := runBenchCmd(t, args...)
				if code != tt.want {
					t.Errorf("exit %d, want %d (%s); stderr %q", code, tt.want, tt.reason, stderr)
				}
				var res loadResult
				if err := json.Unmarshal([]byte(stdout), &res); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
				}
				if res.Responses != tt.responses || res.ErrorsTotal != tt.errors {
					t.Errorf("responses %d, errors %d (%v); want %d, %d", res.Responses, res.ErrorsTotal, res.Errors, tt.responses, tt.errors)
				}
				if got := hits[tt.server].Load() - before; got != tt.hits {
					t.Errorf("server saw %d requests, want %d", got, tt.hits)
				}
				if (tt.stderr == "" && stderr != "") || !strings.Contains(stderr, tt.stderr) {
					t.Errorf("stderr %q, want %q", stderr, tt.stderr)
				}
			})
		}
	}
}

func TestBenchLoadFlagErrors(t *testing.T) {
	const url = "http://127.0.0.1:1/" // never dialed: every case is refused first
	tests := []struct {
		args []string
		want string
	}{
		{args: []string{"-n", "0"}, want: "-n 0: want 1 or more requests"},
		{args: []string{"-n", "-1"}, want: "-n -1: want 1 or more requests"},
		{args: []string{"-c", "0"}, want: "-c 0: want 1 or more connections"},
		{args: []string{"-c", "-5"}, want: "-c -5: want 1 or more connections"},
		{args: []string{"-t", "0"}, want: "-t 0s: want a positive time"},
		{args: []string{"-t", "-2"}, want: "-t -2s: want a positive time"},
		{args: []string{"-s", "0"}, want: "-s 0s: want a positive timeout"},
		{args: []string{"-sources", "0"}, want: "-sources 0: want 1 or more addresses, or -1"},
		{args: []string{"-threads", "0"}, want: "-threads 0: want 1 or more threads"},
		{args: []string{"-engine", "fibers"}, want: `-engine "fibers": want `},
		{args: []string{"-n", "2", "-c", "3"}, want: "-c 3 is more than -n 2"},
		{args: []string{"-c", "3"}, want: "-c 3 is more than -n 1"},
		{args: []string{"-m", ""}, want: `-m "": want a method`},
		{args: []string{"-m", "A B"}, want: `-m "A B": a method has no white space`},
		{args: []string{"-H", "NoColon"}, want: `-H "NoColon": want "Name: value"`},
		{args: []string{"-t", "soon"}, want: `invalid value "soon" for flag -t: want seconds or a duration`},
		{args: []string{"-body", "@" + filepath.Join(t.TempDir(), "none")}, want: "-body: open "},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runBenchCmd(t, append(append([]string{"bench", "load"}, tt.args...), url)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
			for _, leak := range []string{"loadgen", "Config", "Requests", "Concurrency", "Duration", "Timeout"} {
				if strings.Contains(stderr, leak) {
					t.Errorf("stderr %q names %q, which is not a flag", stderr, leak)
				}
			}
		})
	}
	for _, u := range []string{"ftp://127.0.0.1/", "http://[::1", "http:///x", "http://127.0.0.1:99999/"} {
		code, _, stderr := runBenchCmd(t, "bench", "load", u)
		if code != 2 || !strings.HasPrefix(stderr, "evshim bench load: URL "+strconv.Quote(u)+": ") || strings.Contains(stderr, "loadgen") {
			t.Errorf("bench load %s: exit %d, stderr %q; want 2 and \"URL %q: reason\"", u, code, stderr, u)
		}
	}
}

func TestBenchLoadHist(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") }))
	t.Cleanup(srv.Close)
	code, stdout, stderr := runBenchCmd(t, "bench", "load", "-n", "200", "-c", "4", "-k", "-hist", srv.URL)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	_, hist, ok := strings.Cut(stdout, "latency histogram (")
	if !ok || !strings.Contains(hist, "|#") || !strings.Contains(hist, "100.0%") {
		t.Errorf("-hist: no histogram with bars reaching 100%% after the summary:\n%s", stdout)
	}

	code, stdout, stderr = runBenchCmd(t, "bench", "load", "-n", "200", "-c", "4", "-k", "-hist", "-json", srv.URL)
	if code != 0 {
		t.Fatalf("-json: exit %d, stderr %q", code, stderr)
	}
	var res loadResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	var sum int64
	for _, b := range res.Histogram {
		sum += b.Count
	}
	if len(res.Histogram) == 0 || sum != res.Responses || res.Responses != 200 {
		t.Errorf("-hist -json: %d bins holding %d responses of %d; want bins holding all 200", len(res.Histogram), sum, res.Responses)
	}

	// Without -hist the JSON has no histogram and the text no bars.
	_, stdout, _ = runBenchCmd(t, "bench", "load", "-n", "2", "-json", srv.URL)
	if strings.Contains(stdout, `"histogram"`) {
		t.Errorf("JSON without -hist has a histogram:\n%s", stdout)
	}
}

func TestBenchLoadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{name: "no-url", args: []string{"bench", "load"}, want: 2},
		{name: "two-urls", args: []string{"bench", "load", "http://127.0.0.1:1/", "http://127.0.0.1:2/"}, want: 2},
		{name: "c-over-n", args: []string{"bench", "load", "-n", "2", "-c", "3", "http://127.0.0.1:1/"}, want: 2},
		{name: "bad-flag", args: []string{"bench", "load", "-zzz", "http://127.0.0.1:1/"}, want: 2},
		{name: "bad-duration", args: []string{"bench", "load", "-t", "soon", "http://127.0.0.1:1/"}, want: 2},
		{name: "https", args: []string{"bench", "load", "https://127.0.0.1:1/"}, want: 2},
		{name: "missing-body-file", args: []string{"bench", "load", "-body", "@" + t.TempDir() + "/none", "http://127.0.0.1:1/"}, want: 2},
		{name: "help", args: []string{"bench", "load", "-h"}, want: 0},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			if code, _, stderr := runBenchCmd(t, tt.args...); code != tt.want {
				t.Errorf("evshim %s = %d, want %d; stderr %q", strings.Join(tt.args, " "), code, tt.want, stderr)
			}
		})
	}
}

// TestBenchLoadCPU checks that bench load reports its own CPU use, with
// each engine, in the JSON and in the text summary, and notes a target on
// this host (the in-process server is on loopback). The figures include
// the in-process server's CPU: the test checks presence and sign, not size.
func TestBenchLoadCPU(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") }))
	t.Cleanup(srv.Close)
	for _, engine := range loadgen.Engines() {
		t.Run("engine="+engine, func(t *testing.T) {
			code, stdout, stderr := runBenchCmd(t, "bench", "load", "-engine", engine, "-n", "300", "-c", "3", "-k", "-json", srv.URL)
			if code != 0 {
				t.Fatalf("-json: exit %d, stderr %q", code, stderr)
			}
			var res struct {
				Responses int64 `json:"responses"`
				CPU       *struct {
					User        *int64   `json:"user_ns"`
					System      *int64   `json:"system_ns"`
					PerResponse int64    `json:"per_response_ns"`
					Share       *float64 `json:"share"`
					CPUs        int      `json:"cpus"`
					SameHost    bool     `json:"same_host"`
				} `json:"generator_cpu"`
			}
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			c := res.CPU
			if c == nil || c.User == nil || c.System == nil || c.Share == nil {
				t.Fatalf("generator_cpu missing or incomplete:\n%s", stdout)
			}
			if res.Responses != 300 || *c.User < 0 || *c.System < 0 || *c.User+*c.System <= 0 {
				t.Errorf("responses %d, user %d ns, system %d ns: want 300 and CPU time > 0", res.Responses, *c.User, *c.System)
			}
			if c.PerResponse <= 0 || c.PerResponse != (*c.User+*c.System)/res.Responses {
				t.Errorf("per_response_ns %d, want (user+system)/responses = %d", c.PerResponse, (*c.User+*c.System)/res.Responses)
			}
			if *c.Share <= 0 || c.CPUs < 1 || !c.SameHost {
				t.Errorf("share %v, cpus %d, same_host %v: want > 0, >= 1, true (the target is on loopback)", *c.Share, c.CPUs, c.SameHost)
			}

			code, stdout, stderr = runBenchCmd(t, "bench", "load", "-engine", engine, "-n", "300", "-c", "3", "-k", srv.URL)
			if code != 0 || stderr != "" {
				t.Fatalf("text: exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, "\ngenerator    CPU ") || !strings.Contains(stdout, " µs per response (user ") ||
				!strings.Contains(stdout, "\nnote         the target is on this host") {
				t.Errorf("text summary without the generator's CPU and the same-host note:\n%s", stdout)
			}
		})
	}
}
