// Chat is a line-based TCP chat room: each line a client sends goes to
// every other client, prefixed with the sender's name. It shows the usual
// Go shape of a fan-out server, a goroutine reading each client and one
// writing to it through a bounded queue, running on compat/net, where the
// waiting readers and writers park on evshim's event loop.
//
// Run it and connect two or more clients, in terminals of their own, with
// the echo example's client (a small netcat) or nc:
//
//	go run ./examples/chat -addr 127.0.0.1:7001
//	go run ./examples/echoclient -addr 127.0.0.1:7001
//
// A client is told "* you are guest-N"; the others see "* guest-N joined",
// its lines as "guest-N: text", and "* guest-N left". A client that falls
// more than 64 lines behind is disconnected rather than slowing the room.
// It prints "listening on ADDR" first, serves until SIGINT or SIGTERM,
// then closes every connection and exits with status 0.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	net "github.com/evshim/evshim/compat/net"
	signal "github.com/evshim/evshim/compat/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}

// run serves the room until ctx ends, then closes the listener and every
// connection, waits for their goroutines, and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("chat", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:7001", "TCP `address` to listen on")
	if err := flags.Parse(args); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	stopClose := context.AfterFunc(ctx, func() { ln.Close() })
	defer stopClose()

	r := &room{members: make(map[*member]bool)}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			ln.Close()
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.serve(ctx, c)
		}()
	}
}

// outboxSize is how many lines a member may fall behind before it is
// disconnected.
const outboxSize = 64

// room is the set of connected members.
//
// Multiple goroutines may invoke methods on a room simultaneously.
type room struct {
	mu      sync.Mutex
	members map[*member]bool // guarded by mu
	joined  int              // guarded by mu; members ever joined, for names
}

// member is one connected client.
type member struct {
	name string   // immutable
	conn net.Conn // immutable; closed by serve, or by broadcast to drop a laggard
	// outbox holds the lines to send, in order. Only the room sends on it,
	// with mu held; leave closes it, so no send follows the close.
	outbox chan string
}

// serve runs one client: it joins the room, starts the writer, relays the
// client's lines until it disconnects or ctx ends, and leaves.
func (r *room) serve(ctx context.Context, c net.Conn) {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()

	m := r.join(c)
	written := make(chan struct{})
	go func() {
		defer close(written)
		for line := range m.outbox {
			// After a write error keep draining, so the room never blocks
			// on this member; the reader sees the broken connection too.
			io.WriteString(c, line)
		}
	}()
	s := bufio.NewScanner(c)
	for s.Scan() {
		r.broadcast(m, m.name+": "+s.Text()+"\n")
	}
	r.leave(m)
	<-written
}

// join adds a member for c and announces it.
func (r *room) join(c net.Conn) *member {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.joined++
	m := &member{name: fmt.Sprintf("guest-%d", r.joined), conn: c, outbox: make(chan string, outboxSize)}
	m.outbox <- "* you are " + m.name + "\n"
	r.broadcastLocked(m, "* "+m.name+" joined\n")
	r.members[m] = true
	return m
}

// leave removes m, closes its outbox and announces its departure.
func (r *room) leave(m *member) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.members, m)
	close(m.outbox)
	r.broadcastLocked(m, "* "+m.name+" left\n")
}

// broadcast queues line for every member but from.
func (r *room) broadcast(from *member, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.broadcastLocked(from, line)
}

func (r *room) broadcastLocked(from *member, line string) {
	for m := range r.members {
		if m == from {
			continue
		}
		select {
		case m.outbox <- line:
		default:
			// Its outbox is full: the client reads more slowly than the
			// room talks. Closing the connection ends its reader, which
			// then leaves the room.
			m.conn.Close()
		}
	}
}
