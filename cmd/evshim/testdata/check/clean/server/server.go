// Command server serves on compat/http, stops on a compat/signal signal and
// speaks TLS over a compat/net listener.
package server

import (
	"crypto/tls"
	"os"

	"github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/compat/signal"
)

// Handler reports which server serves it.
func Handler(w http.ResponseWriter, r *http.Request) {
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.Addr != "" {
		w.Header().Set("X-Addr", srv.Addr)
	}
}

// ServeTLS serves TLS over a compat/net listener until an interrupt.
func ServeTLS(addr string, cfg *tls.Config) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(Handler)}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	go func() { <-stop; srv.Close() }()
	return srv.Serve(tls.NewListener(ln, cfg))
}

// DialTLS speaks TLS over a compat/net conn.
func DialTLS(addr string, cfg *tls.Config) (*tls.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return tls.Client(c, cfg), nil
}
