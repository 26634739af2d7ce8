package sweep

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestIdleRequest: the idle connections' request is the method and body
// asked for, as a server's parser reads it.
func TestIdleRequest(t *testing.T) {
	for _, spec := range []idleSpec{{method: "GET"}, {method: "POST", body: 1024}} {
		raw := spec.request("127.0.0.1:1")
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("%s: %v\n%q", spec.method, err, raw)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil || req.Method != spec.method || len(body) != spec.body || req.ContentLength != int64(spec.body) {
			t.Errorf("parsed %s with %d bytes of body (Content-Length %d), %v; want %s with %d",
				req.Method, len(body), req.ContentLength, err, spec.method, spec.body)
		}
	}
}

// TestIdleConnPost: idleConn makes its one request, here a POST with a
// body that the handler reads, and leaves the connection open for the
// next one.
func TestIdleConnPost(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+string(b[:min(len(b), 3)])+" "+strings.Repeat("+", len(b)/1024))
		mu.Unlock()
		io.WriteString(w, "Hello, World!")
	}))
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	spec := idleSpec{method: "POST", body: 2048}
	c, err := idleConn(context.Background(), addr, spec.request(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The connection is still open and kept alive: a second request on
	// it is served.
	if _, err := c.Write(spec.request(addr)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("second request on the idle connection: %v", err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"POST xxx ++", "POST xxx ++"}; strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("handler saw %q, want %q", seen, want)
	}
}

func TestNormalizeIdle(t *testing.T) {
	srv := []Server{{Name: "a", Command: []string{"a"}}}
	cfg := Config{Servers: srv}
	if err := cfg.normalize(); err != nil || cfg.IdleMethod != "GET" || cfg.IdleBody != 0 || cfg.IdleNoGC {
		t.Errorf("defaults: method %q, body %d, no GC %v, %v; want GET, 0, false", cfg.IdleMethod, cfg.IdleBody, cfg.IdleNoGC, err)
	}
	for _, bad := range []Config{
		{Servers: srv, IdleBody: -1},
		{Servers: srv, IdleOnly: true, IdleConns: -1},
	} {
		if err := bad.normalize(); err == nil {
			t.Errorf("%+v: normalize accepted it", bad)
		}
	}
}

// TestWriteTextIdleOnly: a report of the idle measurement alone has no
// load tables, and says how the idle connections were measured.
func TestWriteTextIdleOnly(t *testing.T) {
	r := testReport()
	r.Points = nil
	for i := range r.Idle {
		r.Idle[i].Method, r.Idle[i].BodyBytes = "POST", 1024
	}
	r.summarize()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "keep-alive (ab -k)") || strings.Contains(out, "new connection per request (ab)") {
		t.Errorf("idle-only report has load tables:\n%s", out)
	}
	for _, want := range []string{"one POST each with a 1024-byte body", "RSS as it is, no forced GC", "19.53 KiB"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// TestReadStatsNoGC: without a forced collection the stats still carry
// what explains RSS: live and dead heap, freed spans, collections.
func TestReadStatsNoGC(t *testing.T) {
	s := ReadStats(false)
	if s.HeapAlloc <= 0 || s.TotalAlloc < s.HeapAlloc || s.HeapIdle < s.HeapReleased || s.NumGC < 0 {
		t.Errorf("stats %+v: want heap alloc, total alloc at least that, idle at least released", s)
	}
}
