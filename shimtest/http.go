package shimtest

import (
	"context"
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"time"

	chttp "github.com/evshim/evshim/compat/http"
)

// HTTPServer is the method set that net/http's *Server and compat/http's
// *Server share, so a case drives either.
type HTTPServer interface {
	Serve(l net.Listener) error
	ServeTLS(l net.Listener, certFile, keyFile string) error
	Shutdown(ctx context.Context) error
	Close() error
	RegisterOnShutdown(f func())
	SetKeepAlivesEnabled(v bool)
}

// ServerOptions are the Server fields the suites vary.
type ServerOptions struct {
	Handler           http.Handler
	ReadTimeout       time.Duration
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	ConnState         func(net.Conn, http.ConnState)
	ErrorLog          *log.Logger
	TLSConfig         *tls.Config
	ConnContext       func(ctx context.Context, c net.Conn) context.Context
}

// HTTPImpl is one implementation of the net/http API under test.
type HTTPImpl struct {
	NewServer        func(o ServerOptions) HTTPServer
	ListenAndServe   func(addr string, h http.Handler) error
	Get              func(url string) (*http.Response, error)
	Post             func(url, contentType string, body interface{ Read([]byte) (int, error) }) (*http.Response, error)
	DefaultTransport http.RoundTripper
	// ServerOf returns what r.Context().Value(http.ServerContextKey) must
	// hold for a server made by NewServer.
	ServerOf func(s HTTPServer) any
}

var stdHTTP = HTTPImpl{
	NewServer: func(o ServerOptions) HTTPServer {
		return &http.Server{Handler: o.Handler, ReadTimeout: o.ReadTimeout, ReadHeaderTimeout: o.ReadHeaderTimeout,
			WriteTimeout: o.WriteTimeout, IdleTimeout: o.IdleTimeout, MaxHeaderBytes: o.MaxHeaderBytes,
			ConnState: o.ConnState, ErrorLog: o.ErrorLog, TLSConfig: o.TLSConfig, ConnContext: o.ConnContext}
	},
	ListenAndServe: http.ListenAndServe,
	Get:            http.Get,
	Post: func(url, ct string, body interface{ Read([]byte) (int, error) }) (*http.Response, error) {
		return http.Post(url, ct, body)
	},
	DefaultTransport: http.DefaultTransport,
	ServerOf:         func(s HTTPServer) any { return s },
}

var compatHTTP = HTTPImpl{
	NewServer: func(o ServerOptions) HTTPServer {
		return &chttp.Server{Handler: o.Handler, ReadTimeout: o.ReadTimeout, ReadHeaderTimeout: o.ReadHeaderTimeout,
			WriteTimeout: o.WriteTimeout, IdleTimeout: o.IdleTimeout, MaxHeaderBytes: o.MaxHeaderBytes,
			ConnState: o.ConnState, ErrorLog: o.ErrorLog, TLSConfig: o.TLSConfig, ConnContext: o.ConnContext}
	},
	ListenAndServe: chttp.ListenAndServe,
	Get:            chttp.Get,
	Post: func(url, ct string, body interface{ Read([]byte) (int, error) }) (*http.Response, error) {
		return chttp.Post(url, ct, body)
	},
	DefaultTransport: chttp.DefaultTransport,
	ServerOf:         func(s HTTPServer) any { return s },
}
