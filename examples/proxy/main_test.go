package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// backend is a plain net/http server that reports what reached it.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend", "yes")
		fmt.Fprintf(w, "%s %s host=%s xff=%s xfh=%s xfp=%s",
			r.Method, r.URL.RequestURI(), r.Host,
			r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"))
	}))
	t.Cleanup(b.Close)
	return b
}

func TestProxy(t *testing.T) {
	b := backend(t)
	p := exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0", "-backend", b.URL}, stdout)
	})
	before := loop.CurrentStats()

	status, body := exampletest.Get(t, "http://"+p.Addr+"/some/path?q=1")
	backendHost := strings.TrimPrefix(b.URL, "http://")
	want := "GET /some/path?q=1 host=" + backendHost + " xff=127.0.0.1 xfh=" + p.Addr + " xfp=http"
	if status != http.StatusOK || body != want {
		t.Errorf("GET through the proxy = %d %q,\nwant %d %q", status, body, http.StatusOK, want)
	}

	after := loop.CurrentStats()
	if after.Accepted == before.Accepted {
		t.Error("loop Accepted did not move: the client's connection did not go through the loop")
	}
	if after.Dialed == before.Dialed {
		t.Error("loop Dialed did not move: the backend connection did not go through the loop")
	}
}

func TestBackendDown(t *testing.T) {
	b := backend(t)
	url := b.URL
	b.Close()
	p := exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0", "-backend", url}, stdout)
	})
	if status, _ := exampletest.Get(t, "http://"+p.Addr+"/"); status != http.StatusBadGateway {
		t.Errorf("GET with the backend down: status %d, want %d", status, http.StatusBadGateway)
	}
}

func TestBadBackend(t *testing.T) {
	for _, backend := range []string{"127.0.0.1:8080", "ftp://127.0.0.1/", "http://"} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-backend", backend}, io.Discard)
		if err == nil {
			t.Errorf("run with -backend %q returned nil, want an error", backend)
		}
	}
}

func TestMainExitsOnSIGTERM(t *testing.T) {
	exampletest.ExitsOnSIGTERM(t, "-addr", "127.0.0.1:0")
}
