package main

import (
	"io"
	stdnet "net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/evshim/evshim/examples/internal/exampletest"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestDrainOnSIGTERM runs the program as a process, sends it SIGTERM while
// a request is in flight, and expects: the listener closed at once, the
// request answered in full, the program's lines in order, and exit status
// 0.
func TestDrainOnSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("windows cannot send SIGTERM to a process")
	}
	p := exampletest.StartMain(t, "-addr", "127.0.0.1:0")

	type result struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan result, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get("http://" + p.Addr + "/slow?d=200ms")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(b), err}
	}()
	p.Out.WaitLine(t, "GET /slow: working")

	p.Signal(t, syscall.SIGTERM)
	p.Out.WaitLine(t, "listener closed, draining")
	if c, err := stdnet.Dial("tcp", p.Addr); err == nil {
		c.Close()
		t.Error("a new connection was accepted after the listener was closed")
	}

	r := <-inflight
	if r.err != nil || r.status != http.StatusOK || r.body != "done after 200ms\n" {
		t.Errorf("request in flight during shutdown: %d %q, %v; want 200 %q", r.status, r.body, r.err, "done after 200ms\n")
	}
	if code := p.Wait(t); code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, p.Err)
	}
	want := []string{
		"listening on " + p.Addr,
		"GET /slow: working for 200ms",
		"shutting down on terminated",
		"listener closed, draining",
		"drained",
	}
	if got := strings.Split(strings.TrimSuffix(p.Out.String(), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("output:\n%q\nwant:\n%q", got, want)
	}
}

// TestIdleExit checks the plain case, no request in flight, for SIGINT
// as well as SIGTERM.
func TestIdleExit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("windows cannot send SIGINT or SIGTERM to a process")
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run("sig="+sig.String(), func(t *testing.T) {
			p := exampletest.StartMain(t, "-addr", "127.0.0.1:0")
			if status, body := exampletest.Get(t, "http://"+p.Addr+"/"); status != http.StatusOK || body != "hello, world\n" {
				t.Errorf("GET / = %d %q", status, body)
			}
			p.Signal(t, sig)
			if code := p.Wait(t); code != 0 {
				t.Errorf("exit status %d after %v, want 0; stderr:\n%s", code, sig, p.Err)
			}
			p.Out.WaitLine(t, "drained")
		})
	}
}
