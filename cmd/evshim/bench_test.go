package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
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

func TestBenchLoadStopsOnError(t *testing.T) {
	// A server that resets every connection: without -r the run stops at
	// once with exit status 1 and still prints its summary.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	}))
	t.Cleanup(srv.Close)
	code, stdout, stderr := runBenchCmd(t, "bench", "load", "-n", "10", srv.URL)
	if code != 1 || !strings.Contains(stdout, "reset 1") || !strings.Contains(stderr, "stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, \"reset 1\" and a stop message", code, stdout, stderr)
	}
	code, stdout, _ = runBenchCmd(t, "bench", "load", "-r", "-n", "10", "-c", "2", srv.URL)
	if code != 0 || !strings.Contains(stdout, "reset 10") {
		t.Errorf("with -r: exit %d, stdout %q; want 0 and \"reset 10\"", code, stdout)
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
