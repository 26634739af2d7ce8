// Graceful shows a graceful shutdown: on SIGTERM or SIGINT the server
// stops accepting connections, closes the idle ones, lets every request in
// flight finish (for at most -grace), and the program exits with status 0.
// The signal arrives through compat/signal, whose deliveries run on
// evshim's event loop, exactly as os/signal's would through the runtime.
//
// GET /slow?d=2s simulates a request that takes a while. Try it:
//
//	go run ./examples/graceful -addr 127.0.0.1:8083 &
//	curl 'http://127.0.0.1:8083/slow?d=3s' &
//	kill -TERM %1
//
// curl still gets its answer; the server prints "listening on ADDR" first,
// then one line per request, "shutting down on terminated", "listener
// closed, draining", and "drained" before it exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"
	"time"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
	signal "github.com/evshim/evshim/compat/signal"
)

func main() {
	err := run(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "graceful:", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then shuts the server down
// gracefully. It returns nil when every request in flight has finished
// within the grace period.
func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("graceful", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8083", "TCP `address` to listen on")
	grace := flags.Duration("grace", 10*time.Second, "how long requests in flight may take to finish after the signal")
	if err := flags.Parse(args); err != nil {
		return err
	}
	// The server's handlers print from their own goroutines; a Logger
	// serializes the lines.
	logger := log.New(stdout, "", 0)

	// Ask for the signals before serving, so that none of them can kill
	// the process once it is listening.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigc)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello, world")
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.FormValue("d"))
		if err != nil {
			http.Error(w, "d: want a duration such as 2s", http.StatusBadRequest)
			return
		}
		logger.Printf("GET /slow: working for %v", d)
		select {
		case <-time.After(d):
			fmt.Fprintf(w, "done after %v\n", d)
		case <-r.Context().Done(): // the client went away
		}
	})
	srv := &http.Server{Handler: mux}
	// Shutdown starts this in a goroutine of its own once it has closed
	// the listeners: it is where long-lived connections that the server
	// does not track (hijacked ones) would be told to go away. run waits
	// for it, so that the lines come out in order.
	announced := make(chan struct{})
	srv.RegisterOnShutdown(func() {
		logger.Print("listener closed, draining")
		close(announced)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Printf("listening on %s", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case sig := <-sigc:
		logger.Printf("shutting down on %v", sig)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	err = srv.Shutdown(ctx)
	<-announced
	if err != nil {
		// The grace period is over: cut the remaining requests off.
		srv.Close()
		<-served
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Print("drained")
	return nil
}
