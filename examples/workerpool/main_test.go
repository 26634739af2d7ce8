package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// backend serves /ok/NAME with the body NAME, 404 elsewhere, and /pair,
// which answers only once two /pair requests are in flight at the same
// time: a pool that does not run its workers concurrently cannot finish
// two of them.
type backend struct {
	*httptest.Server

	mu       sync.Mutex
	inFlight int           // guarded by mu
	maxSeen  int           // guarded by mu
	pairs    int           // guarded by mu; /pair requests arrived
	first    chan struct{} // closed when the first /pair request arrives
	paired   chan struct{} // closed when the second /pair request arrives
}

func newBackend(t *testing.T) *backend {
	b := &backend{first: make(chan struct{}), paired: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok/{name}", func(w http.ResponseWriter, r *http.Request) {
		defer b.enter()()
		fmt.Fprint(w, r.PathValue("name"))
	})
	mux.HandleFunc("GET /pair", func(w http.ResponseWriter, r *http.Request) {
		defer b.enter()()
		b.mu.Lock()
		switch b.pairs++; b.pairs {
		case 1:
			close(b.first)
		case 2:
			close(b.paired)
		}
		b.mu.Unlock()
		select {
		case <-b.paired:
			fmt.Fprint(w, "paired")
		case <-r.Context().Done(): // the client gave up
		case <-time.After(20 * time.Second): // a hang guard, not a speed check
			http.Error(w, "no second request in flight", http.StatusGatewayTimeout)
		}
	})
	b.Server = httptest.NewServer(mux)
	t.Cleanup(b.Close)
	return b
}

// enter counts a request in flight until the returned func is called.
func (b *backend) enter() (leave func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight++
	b.maxSeen = max(b.maxSeen, b.inFlight)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.inFlight--
	}
}

func TestPool(t *testing.T) {
	b := newBackend(t)
	paths := []string{"/ok/alpha", "/pair", "/pair", "/missing", "/ok/beta", "/ok/gamma"}
	args := []string{"-workers", "2"}
	var want strings.Builder
	for _, p := range paths {
		args = append(args, b.URL+p)
	}
	fmt.Fprintf(&want, "%s/ok/alpha: 200 OK, 5 bytes\n", b.URL)
	fmt.Fprintf(&want, "%s/pair: 200 OK, 6 bytes\n", b.URL)
	fmt.Fprintf(&want, "%s/pair: 200 OK, 6 bytes\n", b.URL)
	fmt.Fprintf(&want, "%s/missing: 404 Not Found, 19 bytes\n", b.URL)
	fmt.Fprintf(&want, "%s/ok/beta: 200 OK, 4 bytes\n", b.URL)
	fmt.Fprintf(&want, "%s/ok/gamma: 200 OK, 5 bytes\n", b.URL)
	want.WriteString("6 of 6 URLs done with 2 workers\n")

	before := loop.CurrentStats().Dialed
	var out exampletest.Output
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if out.String() != want.String() {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want.String())
	}
	b.mu.Lock()
	maxSeen := b.maxSeen
	b.mu.Unlock()
	if maxSeen != 2 {
		t.Errorf("at most %d requests were in flight at once, want 2 (the number of workers)", maxSeen)
	}
	if loop.CurrentStats().Dialed == before {
		t.Error("loop Dialed did not move: the client's connections did not go through the loop")
	}
}

// TestInterrupt ends the context while the only worker is stuck on a
// request: run must cancel it, skip the queued jobs and return nil.
func TestInterrupt(t *testing.T) {
	b := newBackend(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out exampletest.Output
	done := make(chan error, 1)
	go func() {
		// The first /pair never gets its partner with one worker.
		done <- run(ctx, []string{"-workers", "1", b.URL + "/pair", b.URL + "/ok/a", b.URL + "/ok/b"}, &out)
	}()
	<-b.first
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 ||
		!strings.HasPrefix(lines[0], b.URL+"/pair: error: ") || !strings.HasSuffix(lines[0], "context canceled") ||
		lines[1] != b.URL+"/ok/a: not fetched" ||
		lines[2] != b.URL+"/ok/b: not fetched" ||
		lines[3] != "1 of 3 URLs done with 1 workers" {
		t.Errorf("output after cancel:\n%s", out.String())
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-workers", "0", "http://127.0.0.1:1/"}} {
		var out strings.Builder
		if err := run(context.Background(), args, &out); err == nil {
			t.Errorf("run(%q) returned nil, want a usage error", args)
		}
	}
}
