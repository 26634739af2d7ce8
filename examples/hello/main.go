// Hello is the smallest HTTP server: "hello, world" on GET /, and a
// greeting by name on GET /hello/{name}. It is net/http code with one
// import swapped: compat/http's Server keeps each idle keep-alive
// connection on evshim's event loop, with no goroutine, and hands it to a
// goroutine only around the requests it serves.
//
// Run it and ask it:
//
//	go run ./examples/hello -addr 127.0.0.1:8080
//	curl http://127.0.0.1:8080/hello/gopher
//
// It prints "listening on ADDR" first, serves until SIGINT or SIGTERM,
// then shuts down gracefully and exits with status 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	http "github.com/evshim/evshim/compat/http"
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
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts the server down, letting requests
// in flight finish, and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("hello", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "TCP `address` to listen on")
	if err := flags.Parse(args); err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello, world")
	})
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s\n", r.PathValue("name"))
	})
	srv := &http.Server{Handler: mux}

	// Listening first, rather than calling ListenAndServe, lets the program
	// print the address it got, which matters for "-addr 127.0.0.1:0".
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		<-served
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
