package main

import (
	"bufio"
	"context"
	"io"
	stdnet "net"
	"strings"
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

// client is a test's chat connection.
type client struct {
	t *testing.T
	c stdnet.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed check
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

func (cl *client) send(line string) {
	cl.t.Helper()
	if _, err := io.WriteString(cl.c, line+"\n"); err != nil {
		cl.t.Fatalf("send %q: %v", line, err)
	}
}

func (cl *client) expect(want string) {
	cl.t.Helper()
	got, err := cl.r.ReadString('\n')
	if err != nil {
		cl.t.Fatalf("reading, want %q: %v (got %q)", want, err, got)
	}
	if got = strings.TrimSuffix(got, "\n"); got != want {
		cl.t.Fatalf("got line %q, want %q", got, want)
	}
}

func TestChat(t *testing.T) {
	p := start(t)
	before := loop.CurrentStats().Accepted

	a := dial(t, p.Addr)
	a.expect("* you are guest-1")
	b := dial(t, p.Addr)
	b.expect("* you are guest-2")
	a.expect("* guest-2 joined")

	a.send("hello from a")
	b.expect("guest-1: hello from a")
	b.send("hi a")
	a.expect("guest-2: hi a")

	b.c.Close()
	a.expect("* guest-2 left")

	if after := loop.CurrentStats().Accepted; after-before != 2 {
		t.Errorf("loop accepted %d connections, want 2", after-before)
	}

	// A stop (SIGTERM in main) closes the remaining connection.
	if err := p.Stop(t); err != nil {
		t.Fatalf("run: %v", err)
	}
	if line, err := a.r.ReadString('\n'); err != io.EOF {
		t.Errorf("after stop: read %q, %v; want io.EOF", line, err)
	}
}

// TestLaggardDropped checks the slow-consumer policy: a member that never
// reads is disconnected once the kernel's buffers and its outbox are full,
// while the others keep talking.
func TestLaggardDropped(t *testing.T) {
	p := start(t)
	reader := dial(t, p.Addr)
	reader.expect("* you are guest-1")
	talker := dial(t, p.Addr)
	talker.expect("* you are guest-2")
	reader.expect("* guest-2 joined")
	laggard := dial(t, p.Addr) // never reads past this point
	laggard.expect("* you are guest-3")
	reader.expect("* guest-3 joined")
	talker.expect("* guest-3 joined")

	// Lines of 32 KiB fill the laggard's socket buffers quickly. The
	// talker waits for the reader to receive each line before it sends the
	// next, so the reader never falls behind, while the laggard's backlog
	// grows until it is dropped. 64 MiB without that is a failure.
	const maxLines = 2048
	line := strings.Repeat("x", 32<<10)
	left := false
	for n := 0; n < maxLines && !left; n++ {
		talker.send(line)
		for {
			got, err := reader.r.ReadString('\n')
			if err != nil {
				t.Fatalf("reader, after %d lines: %v", n, err)
			}
			if got == "* guest-3 left\n" {
				left = true
				continue
			}
			if got != "guest-2: "+line+"\n" {
				t.Fatalf("reader got an unexpected line of %d bytes, starting %.40q", len(got), got)
			}
			break
		}
	}
	if !left {
		t.Fatalf("the laggard was not dropped after %d lines of %d bytes", maxLines, len(line))
	}
}

func TestMainExitsOnSIGTERM(t *testing.T) {
	exampletest.ExitsOnSIGTERM(t, "-addr", "127.0.0.1:0")
}
