package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evshim/evshim/internal/cputime"
	"github.com/google/go-cmp/cmp"
)

// watchdog bounds every wait a test server does, so that a broken
// generator fails the test instead of hanging it.
const watchdog = 10 * time.Second

// newServer starts a server on 127.0.0.1:0 and closes it at the end of the
// test. conns counts the connections it accepted.
func newServer(t *testing.T, h http.HandlerFunc) (url string, conns *atomic.Int64) {
	t.Helper()
	conns = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, conns
}

func run(t *testing.T, cfg Config) (*Result, error) {
	t.Helper()
	cfg.Engine = testEngine
	g, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	return g.Run(ctx)
}

// hijack takes the connection from net/http so that the test can break it.
func hijack(t *testing.T, w http.ResponseWriter) net.Conn {
	c, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("Hijack: %v", err)
		panic(http.ErrAbortHandler)
	}
	return c
}

// failingHandler fails on purpose by arrival order: of every five requests
// one gets a 500, one a reset, one a short body, and two succeed.
func failingHandler(t *testing.T) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		switch (n.Add(1) - 1) % 5 {
		case 1:
			http.Error(w, "failing on purpose", http.StatusInternalServerError)
		case 2:
			c := hijack(t, w)
			c.(*net.TCPConn).SetLinger(0) // close with RST, not FIN
			c.Close()
		case 3:
			c := hijack(t, w)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it")
			c.Close()
		default:
			io.WriteString(w, "hello\n")
		}
	}
}

func TestErrorCounts(t *testing.T) {
	for _, keepAlive := range []bool{true, false} {
		t.Run("keepalive="+map[bool]string{true: "true", false: "false"}[keepAlive], func(t *testing.T) {
			url, _ := newServer(t, failingHandler(t))
			const n = 50
			res, err := run(t, Config{URL: url, Requests: n, Concurrency: 4, KeepAlive: keepAlive, ContinueOnError: true})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			wantErrs := map[string]int64{}
			for k := range numKinds {
				wantErrs[k.String()] = 0
			}
			wantErrs["bad_status"] = n / 5
			wantErrs["reset"] = n / 5
			wantErrs["short_body"] = n / 5
			if diff := cmp.Diff(wantErrs, res.Errors); diff != "" {
				t.Errorf("Errors mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]int64{"2xx": 2 * n / 5, "5xx": n / 5}, res.Status); diff != "" {
				t.Errorf("Status mismatch (-want +got):\n%s", diff)
			}
			if res.Responses != 3*n/5 || res.ErrorsTotal != 3*n/5 {
				t.Errorf("Responses, ErrorsTotal = %d, %d, want %d, %d", res.Responses, res.ErrorsTotal, 3*n/5, 3*n/5)
			}
			if res.Histogram.Count() != uint64(res.Responses) {
				t.Errorf("histogram holds %d latencies, want one per response (%d)", res.Histogram.Count(), res.Responses)
			}
		})
	}
}

func TestStopsAtFirstError(t *testing.T) {
	// With one connection the order is fixed: two successes, then a reset.
	var n atomic.Int64
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 3 {
			c := hijack(t, w)
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			return
		}
		io.WriteString(w, "hello\n")
	})
	res, err := run(t, Config{URL: url, Requests: 100, KeepAlive: true})
	if err == nil || Classify(err) != Reset {
		t.Fatalf("Run error = %v, want a reset", err)
	}
	if res.Responses != 2 || res.Errors["reset"] != 1 || res.ErrorsTotal != 1 {
		t.Errorf("Responses, reset, ErrorsTotal = %d, %d, %d, want 2, 1, 1", res.Responses, res.Errors["reset"], res.ErrorsTotal)
	}
	if !strings.HasPrefix(res.Stopped, "error: ") {
		t.Errorf("Stopped = %q, want an error", res.Stopped)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3: the run must stop at the error", got)
	}
}

func TestRequestsConcurrencyKeepAlive(t *testing.T) {
	tests := []struct {
		name        string
		keepAlive   bool
		requests    int
		concurrency int
		wantConns   int64
	}{
		{name: "keepalive=true", keepAlive: true, requests: 40, concurrency: 4, wantConns: 4},
		{name: "keepalive=false", keepAlive: false, requests: 12, concurrency: 3, wantConns: 12},
		{name: "keepalive=true/c=1", keepAlive: true, requests: 5, concurrency: 1, wantConns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The first c requests wait for each other: the run can only
			// go on if c requests really are in flight at once.
			var arrived, inflight, maxInflight, closeReqs atomic.Int64
			all := make(chan struct{})
			url, conns := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				cur := inflight.Add(1)
				defer inflight.Add(-1)
				for m := maxInflight.Load(); cur > m && !maxInflight.CompareAndSwap(m, cur); m = maxInflight.Load() {
				}
				if r.Close {
					closeReqs.Add(1)
				}
				if arrived.Add(1) == int64(tt.concurrency) {
					close(all)
				}
				select {
				case <-all:
				case <-time.After(watchdog):
				}
				io.WriteString(w, "hello\n")
			})
			res, err := run(t, Config{URL: url, Requests: tt.requests, Concurrency: tt.concurrency, KeepAlive: tt.keepAlive})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			select {
			case <-all:
			default:
				t.Fatalf("never had %d requests in flight at once", tt.concurrency)
			}
			if got := arrived.Load(); got != int64(tt.requests) || res.Responses != int64(tt.requests) {
				t.Errorf("server saw %d requests, Responses = %d, want %d", got, res.Responses, tt.requests)
			}
			if got := maxInflight.Load(); got != int64(tt.concurrency) {
				t.Errorf("at most %d requests in flight, want %d", got, tt.concurrency)
			}
			if got := conns.Load(); got != tt.wantConns {
				t.Errorf("server accepted %d connections, want %d", got, tt.wantConns)
			}
			wantClose := int64(0)
			if !tt.keepAlive {
				wantClose = int64(tt.requests)
			}
			if got := closeReqs.Load(); got != wantClose {
				t.Errorf("%d requests said Connection: close, want %d", got, wantClose)
			}
		})
	}
}

func TestServerConnectionClose(t *testing.T) {
	// A server that closes after every response must not cost errors in
	// keep-alive mode: the client dials again.
	url, conns := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye\n")
	})
	res, err := run(t, Config{URL: url, Requests: 6, Concurrency: 2, KeepAlive: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Responses != 6 || conns.Load() != 6 {
		t.Errorf("Responses, connections = %d, %d, want 6, 6", res.Responses, conns.Load())
	}
}

func TestRequestShape(t *testing.T) {
	var bad atomic.Int64
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != "PUT" || r.URL.RequestURI() != "/p?q=1" || r.Header.Get("X-Test") != "a b" ||
			r.Host != "example.test" || string(body) != "payload" {
			bad.Add(1)
			t.Errorf("server got %s %s Host %q X-Test %q body %q", r.Method, r.URL.RequestURI(), r.Host, r.Header.Get("X-Test"), body)
		}
		io.WriteString(w, "ok")
	})
	res, err := run(t, Config{URL: url + "/p?q=1", Method: "PUT", Header: []string{"X-Test: a b", "Host: example.test"},
		Body: []byte("payload"), Requests: 3, KeepAlive: true})
	if err != nil || res.Responses != 3 {
		t.Fatalf("Run: %v, %d responses, want 3", err, res.Responses)
	}
}

func TestRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/"
	ln.Close()
	res, err := run(t, Config{URL: url, Requests: 3, ContinueOnError: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Errors["refused"] != 3 || res.ErrorsTotal != 3 || res.Responses != 0 {
		t.Errorf("refused, ErrorsTotal, Responses = %d, %d, %d, want 3, 3, 0", res.Errors["refused"], res.ErrorsTotal, res.Responses)
	}
}

// blockingServer answers nothing until the test ends.
func blockingServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(watchdog):
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	return url
}

func TestTimeout(t *testing.T) {
	url := blockingServer(t)
	res, err := run(t, Config{URL: url, Requests: 2, Concurrency: 2, Timeout: 50 * time.Millisecond, ContinueOnError: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Errors["timeout"] != 2 || res.ErrorsTotal != 2 {
		t.Errorf("timeout, ErrorsTotal = %d, %d, want 2, 2", res.Errors["timeout"], res.ErrorsTotal)
	}
}

func TestDurationInterruptsRequests(t *testing.T) {
	// Every request hangs; the default 30 s timeout is far off. The run must
	// end at its duration and not count the abandoned requests as errors.
	url := blockingServer(t)
	res, err := run(t, Config{URL: url, Duration: 100 * time.Millisecond, Concurrency: 3, KeepAlive: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Stopped != "duration" || res.ErrorsTotal != 0 || res.Responses != 0 {
		t.Errorf("Stopped, ErrorsTotal, Responses = %q, %d, %d, want \"duration\", 0, 0", res.Stopped, res.ErrorsTotal, res.Responses)
	}
}

func TestCancel(t *testing.T) {
	url := blockingServer(t)
	g, err := New(Config{URL: url, Requests: 10, Concurrency: 2, Engine: testEngine})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var res *Result
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, err = g.Run(ctx)
	}()
	// Cancel once both requests are in flight, as a Ctrl-C would.
	giveUp := time.Now().Add(watchdog)
	for !inFlight(g, 2) {
		if time.Now().After(giveUp) {
			cancel()
			wg.Wait()
			t.Fatalf("requests never in flight; Run returned %v", err)
		}
		runtime.Gosched()
	}
	cancel()
	wg.Wait()
	if !errors.Is(err, context.Canceled) || res == nil || res.Stopped != "interrupted" || res.ErrorsTotal != 0 {
		t.Fatalf("Run after cancel = %+v, %v; want a result stopped as interrupted, context.Canceled", res, err)
	}
}

// inFlight reports whether n connections are open.
func inFlight(g *Generator, n int) bool { return g.Progress().Open >= int64(n) }

func TestSourceAddresses(t *testing.T) {
	if !spreadLoopback {
		t.Skip("source address spreading is Linux-only")
	}
	// Each of the 3 requests waits for the others, so each connection (and
	// so each source address) makes exactly one.
	var mu sync.Mutex
	seen := map[string]bool{}
	var arrived atomic.Int64
	all := make(chan struct{})
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		mu.Lock()
		seen[host] = true
		mu.Unlock()
		if arrived.Add(1) == 3 {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(watchdog):
		}
		io.WriteString(w, "ok")
	})
	res, err := run(t, Config{URL: url, Requests: 3, Concurrency: 3, Sources: 3})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}
	if diff := cmp.Diff(want, res.Sources); diff != "" {
		t.Errorf("Sources mismatch (-want +got):\n%s", diff)
	}
	// The lock orders the handlers' writes before this read: the race
	// detector does not see the response bytes carry that order.
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, sortedKeys(seen)); diff != "" {
		t.Errorf("server saw connections from (-want +got):\n%s", diff)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string // the ConfigError's Field
	}{
		{name: "concurrency-over-requests", cfg: Config{URL: "http://127.0.0.1:1/", Requests: 2, Concurrency: 3}, field: "Concurrency"},
		{name: "https", cfg: Config{URL: "https://127.0.0.1:1/"}, field: "URL"},
		{name: "unparsable", cfg: Config{URL: "http://[::1"}, field: "URL"},
		{name: "no-host", cfg: Config{URL: "http:///x"}, field: "URL"},
		{name: "bad-port", cfg: Config{URL: "http://127.0.0.1:99999/"}, field: "URL"},
		{name: "bad-method", cfg: Config{URL: "http://127.0.0.1:1/", Method: "A B"}, field: "Method"},
		{name: "bad-header", cfg: Config{URL: "http://127.0.0.1:1/", Header: []string{"NoColon"}}, field: "Header"},
		{name: "header-injection", cfg: Config{URL: "http://127.0.0.1:1/", Header: []string{"A: b\r\nC: d"}}, field: "Header"},
		{name: "negative-requests", cfg: Config{URL: "http://127.0.0.1:1/", Requests: -1}, field: "Requests"},
		{name: "negative-concurrency", cfg: Config{URL: "http://127.0.0.1:1/", Concurrency: -1}, field: "Concurrency"},
		{name: "negative-duration", cfg: Config{URL: "http://127.0.0.1:1/", Duration: -time.Second}, field: "Duration"},
		{name: "negative-timeout", cfg: Config{URL: "http://127.0.0.1:1/", Timeout: -time.Second}, field: "Timeout"},
		{name: "negative-threads", cfg: Config{URL: "http://127.0.0.1:1/", Threads: -1}, field: "Threads"},
		{name: "unknown-engine", cfg: Config{URL: "http://127.0.0.1:1/", Engine: "fibers"}, field: "Engine"},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field || ce.Value == "" || ce.Reason == "" {
				t.Errorf("New(%+v) = %v, want a *ConfigError for %s with a value and a reason", tt.cfg, err, tt.field)
			}
		})
	}
}

func TestResultJSON(t *testing.T) {
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") })
	res, err := run(t, Config{URL: url, Requests: 10, Concurrency: 2, KeepAlive: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	wantTop := []string{"bytes_read", "concurrency", "elapsed_ns", "engine", "errors", "errors_total", "generator_cpu", "keep_alive", "latency",
		"method", "requests", "requests_per_second", "responses", "source_addresses", "status", "threads", "url"}
	_, _, haveCPU := cputime.Process()
	if !haveCPU {
		wantTop = slices.DeleteFunc(wantTop, func(k string) bool { return k == "generator_cpu" })
	}
	if diff := cmp.Diff(wantTop, sortedKeys(got)); diff != "" {
		t.Errorf("top-level keys mismatch (-want +got):\n%s", diff)
	}
	if haveCPU {
		wantCPU := []string{"cpus", "per_response_ns", "same_host", "share", "system_ns", "user_ns"}
		if diff := cmp.Diff(wantCPU, sortedKeys(got["generator_cpu"].(map[string]any))); diff != "" {
			t.Errorf("generator_cpu keys mismatch (-want +got):\n%s", diff)
		}
	}
	wantErrs := []string{"bad_status", "closed", "no_free_file", "no_free_port", "other", "protocol", "refused", "reset", "short_body", "timeout"}
	if diff := cmp.Diff(wantErrs, sortedKeys(got["errors"].(map[string]any))); diff != "" {
		t.Errorf("error kinds mismatch (-want +got):\n%s", diff)
	}
	lat := got["latency"].(map[string]any)
	wantLat := []string{"max_ns", "mean_ns", "min_ns", "p50_ns", "p90_ns", "p99_9_ns", "p99_ns"}
	if diff := cmp.Diff(wantLat, sortedKeys(lat)); diff != "" {
		t.Errorf("latency keys mismatch (-want +got):\n%s", diff)
	}
	if got["responses"] != 10.0 || got["status"].(map[string]any)["2xx"] != 10.0 {
		t.Errorf("responses, status = %v, %v, want 10 and 2xx 10", got["responses"], got["status"])
	}
	if p50, max := lat["p50_ns"].(float64), lat["max_ns"].(float64); p50 <= 0 || p50 > max {
		t.Errorf("p50_ns %v, max_ns %v: want 0 < p50 <= max", p50, max)
	}
}

func TestDurationEndsWithoutErrors(t *testing.T) {
	// Every request dials (the server closes after each response), so the
	// end of the run finds dials in progress. Those must count as abandoned,
	// not as timeouts: the dial's context must not expire before the run's.
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye\n")
	})
	for range 5 {
		res, err := run(t, Config{URL: url, Duration: 50 * time.Millisecond, Concurrency: 8, KeepAlive: true})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if res.ErrorsTotal != 0 || res.Stopped != "duration" {
			t.Fatalf("ErrorsTotal %d %v, Stopped %q; want 0 and \"duration\"", res.ErrorsTotal, res.Errors, res.Stopped)
		}
	}
}

func TestBodies(t *testing.T) {
	// Bodies larger than every read buffer (4 KiB per connection, 64 KiB
	// per epoll thread), with a length and chunked, so that a response
	// spans many reads.
	big := strings.Repeat("x", 200<<10)
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			for range 4 {
				io.WriteString(w, big[:50<<10])
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Header().Set("Content-Length", itoa(len(big)))
		io.WriteString(w, big)
	})
	for _, path := range []string{"/length", "/chunked"} {
		for _, keepAlive := range []bool{true, false} {
			res, err := run(t, Config{URL: url + path, Requests: 12, Concurrency: 3, KeepAlive: keepAlive})
			if err != nil || res.Responses != 12 || res.ErrorsTotal != 0 {
				t.Errorf("%s, keep-alive %v: %v, %d responses, errors %v; want 12 and none", path, keepAlive, err, res.Responses, res.Errors)
				continue
			}
			if res.BytesRead < 12*int64(len(big)) {
				t.Errorf("%s, keep-alive %v: %d bytes read, want at least 12 bodies of %d", path, keepAlive, res.BytesRead, len(big))
			}
		}
	}
}

func TestThreads(t *testing.T) {
	url, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") })
	for _, tt := range []struct{ threads, conc, want int }{
		{threads: 1, conc: 4, want: 1},
		{threads: 0, conc: 1, want: 1},                                              // never more than the connections
		{threads: 64, conc: runtime.GOMAXPROCS(0) + 1, want: runtime.GOMAXPROCS(0)}, // never more than GOMAXPROCS
	} {
		res, err := run(t, Config{URL: url, Requests: tt.conc, Concurrency: tt.conc, Threads: tt.threads, KeepAlive: true})
		if err != nil || res.Responses != int64(tt.conc) {
			t.Fatalf("Threads %d: %v, %d responses, want %d", tt.threads, err, res.Responses, tt.conc)
		}
		want := tt.want
		if testEngine != EngineEpoll {
			want = 0
		}
		if res.Engine != testEngine || res.Threads != want {
			t.Errorf("Threads %d, Concurrency %d: result says engine %q with %d threads, want %q with %d",
				tt.threads, tt.conc, res.Engine, res.Threads, testEngine, want)
		}
	}
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
