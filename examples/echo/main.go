// Echo is a TCP echo server: every byte a client sends comes back to it.
// It is the program a gevent user knows as StreamServer with an echo
// handler, written as plain Go: one goroutine per connection, io.Copy, and
// compat/net in place of net, so every connection's I/O waits on evshim's
// event loop instead of Go's netpoller.
//
// Run it, and talk to it with the echo client (or nc):
//
//	go run ./examples/echo -addr 127.0.0.1:7000
//	printf 'hello\n' | go run ./examples/echoclient -addr 127.0.0.1:7000
//
// It prints "listening on ADDR" first, serves until SIGINT or SIGTERM, then
// closes every connection and exits with status 0.
package main

import (
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
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then closes the listener and every
// connection, waits for their goroutines, and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("echo", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:7000", "TCP `address` to listen on")
	if err := flags.Parse(args); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	// Closing the listener is what ends the Accept loop below.
	stopClose := context.AfterFunc(ctx, func() { ln.Close() })
	defer stopClose()

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
			serve(ctx, c)
		}()
	}
}

// serve echoes c's bytes back until the client half-closes or closes the
// connection, or ctx ends.
func serve(ctx context.Context, c net.Conn) {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	// io.Copy returns at the client's FIN (its CloseWrite); the deferred
	// Close then sends ours, after every echoed byte.
	io.Copy(c, c)
}
