package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	stdnet "net"
	"strings"
	"sync"
	"testing"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// upperServer listens on loopback and answers every line with the line in
// upper case, so that an echo is distinguishable from a reply. It closes a
// connection after the client's FIN, as the echo example does.
func upperServer(t *testing.T) string {
	t.Helper()
	ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				s := bufio.NewScanner(c)
				for s.Scan() {
					io.WriteString(c, strings.ToUpper(s.Text())+"\n")
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestClient(t *testing.T) {
	addr := upperServer(t)
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{name: "stdin", stdin: "hello\nworld\n", want: "HELLO\nWORLD\n"},
		{name: "args", args: []string{"hello", "evshim"}, want: "HELLO\nEVSHIM\n"},
		{name: "empty", stdin: "", want: ""},
	}
	for _, tt := range tests {
		t.Run("input="+tt.name, func(t *testing.T) {
			before := loop.CurrentStats().Dialed
			var out strings.Builder
			args := append([]string{"-addr", addr}, tt.args...)
			if err := run(context.Background(), args, strings.NewReader(tt.stdin), &out); err != nil {
				t.Fatalf("run: %v", err)
			}
			if out.String() != tt.want {
				t.Errorf("output %q, want %q", out.String(), tt.want)
			}
			if after := loop.CurrentStats().Dialed; after == before {
				t.Errorf("loop Dialed stayed at %d: the connection did not go through the loop", after)
			}
		})
	}
}

func TestDialError(t *testing.T) {
	// A listener closed at once leaves a port that refuses connections.
	ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = run(context.Background(), []string{"-addr", addr}, strings.NewReader("x\n"), io.Discard)
	var op *stdnet.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("run against a closed port: %v, want a *net.OpError from dial", err)
	}
}

// TestInterrupt ends the context while the client waits for input that
// never comes, as SIGINT does at a terminal: run must return nil.
func TestInterrupt(t *testing.T) {
	addr := upperServer(t)
	stdin, feed := io.Pipe()
	defer feed.Close() // ends the sender that run leaves behind
	ctx, cancel := context.WithCancel(context.Background())
	var out exampletest.Output
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", addr}, stdin, &out) }()
	io.WriteString(feed, "first\n")
	out.WaitLine(t, "FIRST")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v, want nil", err)
	}
}
