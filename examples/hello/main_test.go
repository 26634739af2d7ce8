package main

import (
	"bufio"
	"context"
	"io"
	stdnet "net"
	"net/http"
	"testing"
	"time"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

func TestHello(t *testing.T) {
	p := exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0"}, stdout)
	})
	before := loop.CurrentStats().Accepted
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{path: "/", wantStatus: http.StatusOK, wantBody: "hello, world\n"},
		{path: "/hello/gopher", wantStatus: http.StatusOK, wantBody: "hello, gopher\n"},
		{path: "/nowhere", wantStatus: http.StatusNotFound, wantBody: "404 page not found\n"},
	}
	for _, tt := range tests {
		status, body := exampletest.Get(t, "http://"+p.Addr+tt.path)
		if status != tt.wantStatus || body != tt.wantBody {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, status, body, tt.wantStatus, tt.wantBody)
		}
	}
	if got := loop.CurrentStats().Accepted - before; got != uint64(len(tests)) {
		t.Errorf("loop accepted %d connections, want %d (one per request)", got, len(tests))
	}
}

// TestKeepAliveThenStop sends two requests on one connection, leaves it
// idle (parked on the loop), and stops the program: the shutdown must
// close the idle connection and run must return nil.
func TestKeepAliveThenStop(t *testing.T) {
	p := exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0"}, stdout)
	})
	c, err := stdnet.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed check
	br := bufio.NewReader(c)
	for _, name := range []string{"a", "b"} {
		req, _ := http.NewRequest("GET", "http://"+p.Addr+"/hello/"+name, nil)
		if err := req.Write(c); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("request %s: %v", name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "hello, " + name + "\n"; string(body) != want {
			t.Errorf("request %s: body %q, want %q", name, body, want)
		}
	}
	if err := p.Stop(t); err != nil {
		t.Fatalf("run: %v", err)
	}
	if n, err := br.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection after stop: Read = %d, %v; want io.EOF", n, err)
	}
}

func TestMainExitsOnSIGTERM(t *testing.T) {
	exampletest.ExitsOnSIGTERM(t, "-addr", "127.0.0.1:0")
}
