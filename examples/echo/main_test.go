package main

import (
	"bytes"
	"context"
	"io"
	stdnet "net"
	"testing"
	"time"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

func start(t *testing.T) *exampletest.Program {
	return exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0"}, stdout)
	})
}

// TestEcho sends more bytes than the socket buffers hold, half-closes, and
// expects every byte back followed by the server's EOF. The server must
// have accepted the connection on the loop.
func TestEcho(t *testing.T) {
	p := start(t)
	before := loop.CurrentStats().Accepted

	c, err := stdnet.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed check

	want := make([]byte, 1<<20)
	for i := range want {
		want[i] = byte(i * 7)
	}
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(want)
		if err == nil {
			err = c.(*stdnet.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	got, err := io.ReadAll(c) // ends at the server's FIN
	if err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	if err := <-werr; err != nil {
		t.Fatalf("writing: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("echoed %d bytes, want the %d sent back unchanged", len(got), len(want))
	}
	if after := loop.CurrentStats().Accepted; after == before {
		t.Errorf("loop Accepted stayed at %d: the connection did not go through the loop", after)
	}
}

// TestStopClosesConnections checks that a stop (SIGTERM in main) closes a
// connection that is still open, so run can return.
func TestStopClosesConnections(t *testing.T) {
	p := start(t)
	c, err := stdnet.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping\n" {
		t.Fatalf("echo of ping: %q, %v", buf, err)
	}
	if err := p.Stop(t); err != nil {
		t.Fatalf("run: %v", err)
	}
	if n, err := c.Read(buf); err != io.EOF {
		t.Errorf("Read after stop = %d, %v; want 0, io.EOF", n, err)
	}
}

func TestMainExitsOnSIGTERM(t *testing.T) {
	exampletest.ExitsOnSIGTERM(t, "-addr", "127.0.0.1:0")
}
