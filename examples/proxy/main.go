// Proxy is a reverse proxy: it forwards every request to one backend with
// the standard library's httputil.ReverseProxy and adds the
// X-Forwarded-For, -Host and -Proto headers. Both of its sides run on
// evshim's event loop: compat/http serves the clients, and the proxy's
// Transport dials the backend through compat/net.
//
// httputil is used as it is: it takes and returns net/http's types, which
// compat/http's are aliases of. The one thing to set by hand is the
// Transport. A ReverseProxy without one uses net/http's DefaultTransport,
// which dials with the standard library, off the loop; compat/http's
// DefaultTransport is the same transport dialing through compat/net.
//
// Run the hello example as the backend, then the proxy in front of it:
//
//	go run ./examples/hello -addr 127.0.0.1:8080
//	go run ./examples/proxy -addr 127.0.0.1:8081 -backend http://127.0.0.1:8080
//	curl http://127.0.0.1:8081/hello/proxy
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
	"net/http/httputil"
	"net/url"
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
		fmt.Fprintln(os.Stderr, "proxy:", err)
		os.Exit(1)
	}
}

// run proxies until ctx ends, then shuts the server down, letting requests
// in flight finish, closes the idle backend connections, and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("proxy", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8081", "TCP `address` to listen on")
	backend := flags.String("backend", "http://127.0.0.1:8080", "`URL` of the server to forward to")
	if err := flags.Parse(args); err != nil {
		return err
	}
	target, err := url.Parse(*backend)
	if err != nil {
		return err
	}
	if target.Scheme != "http" && target.Scheme != "https" || target.Host == "" {
		return fmt.Errorf("-backend %q: want an http:// or https:// URL with a host", *backend)
	}

	// A transport of the proxy's own, cloned from compat/http's default so
	// that it dials through compat/net, and so that run can close its idle
	// connections on the way out.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.SetXForwarded()
		},
		Transport: transport,
	}
	srv := &http.Server{Handler: proxy}

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
