package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	stdnet "net"
	stdhttp "net/http"
	"os"
	"os/signal"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
	"github.com/evshim/evshim/internal/sweep"
)

// helloBody is the response of every server in the sweep, as in the 2010
// article's hello-world WSGI app. The peers in bench/ send the same bytes.
const helloBody = "Hello, World!"

// hello is the handler both built-in servers run. It reads a request's
// body, as a handler that takes JSON would, before it answers.
func hello(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	if r.Body != stdhttp.NoBody {
		io.Copy(io.Discard, r.Body)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, helloBody)
}

// runBenchServe is the hidden "evshim bench serve" that the sweep re-execs,
// so that each server's memory is its own process's. It prints "stats on
// ADDR" and "listening on ADDR", then serves until interrupted or, with
// -exit-on-eof, until its stdin ends (the sweep holds the other end, so a
// sweep that dies takes its servers with it).
func runBenchServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	impl := fs.String("impl", "compat", "`server`: compat (compat/http on the loop) or std (net/http)")
	addr := fs.String("addr", "127.0.0.1:0", "listen `address`")
	eof := fs.Bool("exit-on-eof", false, "exit when stdin reaches EOF")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var (
		ln    stdnet.Listener
		err   error
		serve func(stdnet.Listener) error
	)
	switch *impl {
	case "compat":
		ln, err = net.Listen("tcp", *addr)
		srv := &http.Server{Handler: stdhttp.HandlerFunc(hello)}
		serve = srv.Serve
		defer loop.Shutdown()
	case "std":
		ln, err = stdnet.Listen("tcp", *addr)
		srv := &stdhttp.Server{Handler: stdhttp.HandlerFunc(hello)}
		serve = srv.Serve
	default:
		fmt.Fprintf(stderr, "evshim bench serve: -impl %q: want compat or std\n", *impl)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench serve: %v\n", err)
		return 2
	}
	defer ln.Close()
	statsAddr, err := sweep.ServeStats()
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench serve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "stats on %s\nlistening on %s\n", statsAddr, ln.Addr())

	// The process exits when this returns, taking the serving goroutines
	// with it: there is nothing to drain in a benchmark server.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	eofc := make(chan struct{})
	if *eof {
		go func() {
			io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			close(eofc)
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	select {
	case <-sig:
		return 0
	case <-eofc:
		return 0
	case err := <-errc:
		fmt.Fprintf(stderr, "evshim bench serve: %v\n", err)
		return 1
	}
}
