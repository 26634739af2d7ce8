package httptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log"
	"net"
	stdhttp "net/http"
	"os"
	"strings"
	"sync"
	"time"

	http "github.com/evshim/evshim/compat/http"
	cnet "github.com/evshim/evshim/compat/net"
)

// A Server is an HTTP server listening on a system-chosen port on the
// local loopback interface, for use in end-to-end HTTP tests. It has every
// field and method of net/http/httptest's Server; its Config is a
// compat/http *Server and its Listener a compat/net listener, so requests
// are served on evshim's loop.
//
// The exported fields are the caller's to set between NewUnstartedServer
// and Start or StartTLS; afterwards they are read-only. The methods are
// safe for concurrent use once the server is started.
type Server struct {
	URL      string // base URL of form http://ipaddr:port with no trailing slash
	Listener net.Listener

	// EnableHTTP2 controls whether HTTP/2 is enabled
	// on the server. It must be set between calling
	// NewUnstartedServer and calling Server.StartTLS.
	EnableHTTP2 bool

	// TLS is the optional TLS configuration, populated with a new config
	// after TLS is started. If set on an unstarted server before StartTLS
	// is called, existing fields are copied into the new config.
	TLS *tls.Config

	// Config may be changed after calling NewUnstartedServer and
	// before Start or StartTLS.
	Config *http.Server

	certificate *x509.Certificate // set by StartTLS; immutable afterwards
	client      *http.Client      // set by Start or StartTLS; immutable afterwards

	// inflight counts the Serve goroutine and every connection between
	// its StateNew and its StateClosed or StateHijacked: Close waits for
	// it, which is how it waits for outstanding requests.
	inflight sync.WaitGroup

	mu     sync.Mutex
	closed bool                        // guarded by mu
	conns  map[net.Conn]http.ConnState // guarded by mu: open connections and their last state
}

// serveAddr is the address given with -httptest.serve, or "". The flag is
// net/http/httptest's: this package imports that one, whose init registers
// the flag when the command line names it, so the flag is looked up rather
// than defined twice (a second definition would panic).
func serveAddr() string {
	if f := flag.Lookup("httptest.serve"); f != nil {
		return f.Value.String()
	}
	return ""
}

// newLocalListener listens with compat/net on the -httptest.serve address
// if one was given, else on a loopback port the system chooses, IPv4
// first.
func newLocalListener() net.Listener {
	if addr := serveAddr(); addr != "" {
		l, err := cnet.Listen("tcp", addr)
		if err != nil {
			panic(fmt.Sprintf("httptest: failed to listen on %v: %v", addr, err))
		}
		return l
	}
	l, err := cnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = cnet.Listen("tcp6", "[::1]:0"); err != nil {
			panic(fmt.Sprintf("httptest: failed to listen on a port: %v", err))
		}
	}
	return l
}

// NewServer starts and returns a new [Server].
// The caller should call Close when finished, to shut it down.
func NewServer(handler http.Handler) *Server {
	ts := NewUnstartedServer(handler)
	ts.Start()
	return ts
}

// NewUnstartedServer returns a new [Server] but doesn't start it.
//
// After changing its configuration, the caller should call Start or
// StartTLS.
//
// The caller should call Close when finished, to shut it down.
func NewUnstartedServer(handler http.Handler) *Server {
	return &Server{
		Listener: newLocalListener(),
		Config:   &http.Server{Handler: handler},
	}
}

// Start starts a server from NewUnstartedServer.
func (s *Server) Start() {
	if s.URL != "" {
		panic("Server already started")
	}
	if s.client == nil {
		s.client = &http.Client{Transport: s.transport(nil, "example.com:80")}
	}
	s.URL = "http://" + s.Listener.Addr().String()
	s.wrap()
	s.goServe()
	if addr := serveAddr(); addr != "" {
		fmt.Fprintln(os.Stderr, "httptest: serving on", s.URL)
		select {} // as net/http/httptest: serve until the test binary is killed
	}
}

// StartTLS starts TLS on a server from NewUnstartedServer.
func (s *Server) StartTLS() {
	if s.URL != "" {
		panic("Server already started")
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	if s.TLS != nil {
		s.TLS = s.TLS.Clone()
	} else {
		s.TLS = new(tls.Config)
	}
	if s.TLS.NextProtos == nil {
		s.TLS.NextProtos = []string{"http/1.1"}
		if s.EnableHTTP2 {
			s.TLS.NextProtos = []string{"h2"}
		}
	}
	if len(s.TLS.Certificates) == 0 {
		cert, err := testCert()
		if err != nil {
			panic(fmt.Sprintf("httptest: NewTLSServer: %v", err))
		}
		s.TLS.Certificates = []tls.Certificate{cert}
	}
	var err error
	s.certificate, err = x509.ParseCertificate(s.TLS.Certificates[0].Certificate[0])
	if err != nil {
		panic(fmt.Sprintf("httptest: NewTLSServer: %v", err))
	}
	roots := x509.NewCertPool()
	roots.AddCert(s.certificate)
	s.client.Transport = s.transport(&tls.Config{RootCAs: roots}, "example.com:443")
	s.Listener = tls.NewListener(s.Listener, s.TLS)
	s.URL = "https://" + s.Listener.Addr().String()
	s.wrap()
	s.goServe()
}

// transport is the Client's transport: it dials through compat/net, trusts
// the roots in tlsConfig, and sends requests for example (example.com on
// the scheme's port) and its subdomains to the server, as
// net/http/httptest's does. A Dial function the caller sets on the
// transport later takes precedence.
func (s *Server) transport(tlsConfig *tls.Config, example string) *http.Transport {
	tr := &http.Transport{TLSClientConfig: tlsConfig, ForceAttemptHTTP2: tlsConfig != nil && s.EnableHTTP2}
	var dialer cnet.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if tr.Dial != nil {
			return tr.Dial(network, addr)
		}
		if addr == example || strings.HasSuffix(addr, "."+example) {
			addr = s.Listener.Addr().String()
		}
		return dialer.DialContext(ctx, network, addr)
	}
	return tr
}

// NewTLSServer starts and returns a new [Server] using TLS.
// The caller should call Close when finished, to shut it down.
func NewTLSServer(handler http.Handler) *Server {
	ts := NewUnstartedServer(handler)
	ts.StartTLS()
	return ts
}

// Close shuts down the server and blocks until all outstanding
// requests on this server have completed.
//
// It closes the listener, turns keep-alives off and closes the connections
// that are idle or have sent nothing yet; a connection serving a request
// closes when its response is done. When all are closed it closes Config,
// which ends the goroutines compat/http keeps to run handlers.
func (s *Server) Close() {
	// Nothing below runs under mu: closing a connection or changing
	// Config may report a ConnState, whose hook takes mu.
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	var idle []net.Conn
	for c, st := range s.conns {
		// A connection in StateNew may be one a client dialed and then
		// never used (it took another, idle one); nothing is outstanding
		// on it, as nothing is on an idle one. One that turns idle or
		// new from now on is closed by the hook, which sees closed.
		if st == http.StateIdle || st == http.StateNew {
			idle = append(idle, c)
		}
	}
	s.mu.Unlock()
	if first {
		s.Listener.Close()
		// compat/http closes the connections its loop holds idle here.
		s.Config.SetKeepAlivesEnabled(false)
		for _, c := range idle {
			c.Close()
		}
		t := time.AfterFunc(5*time.Second, s.logCloseHang)
		defer t.Stop()
	}

	// Most tests use a default client against the server: close its idle
	// connections too, whichever package's DefaultTransport it is.
	closeIdle(stdhttp.DefaultTransport)
	closeIdle(http.DefaultTransport)
	if s.client != nil {
		closeIdle(s.client.Transport)
	}
	s.inflight.Wait()
	// Every connection is closed or hijacked now and Serve has returned.
	// Closing Config as well ends what a compat/http Server keeps beyond
	// its connections (the goroutines that ran its handlers), so that a
	// leak check right after Close finds nothing; net/http's Server keeps
	// nothing, and net/http/httptest does not close it.
	s.Config.Close()
}

func closeIdle(rt http.RoundTripper) {
	if t, ok := rt.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// logCloseHang tells a test that hangs in Close which connections it
// waits for.
func (s *Server) logCloseHang() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("httptest.Server blocked in Close after 5 seconds, waiting for connections:\n")
	for c, st := range s.conns {
		fmt.Fprintf(&b, "  %T %p %v in state %v\n", c, c, c.RemoteAddr(), st)
	}
	log.Print(b.String())
}

// CloseClientConnections closes any open HTTP connections to the test Server.
//
// It waits for the closes to finish, at most 5 seconds: closing a TLS
// connection writes an alert, which a peer that does not read can hold up.
func (s *Server) CloseClientConnections() {
	s.mu.Lock()
	done := make(chan struct{}, len(s.conns))
	for c := range s.conns {
		go func(c net.Conn) {
			c.Close()
			done <- struct{}{}
		}(c)
	}
	n := len(s.conns)
	s.mu.Unlock()

	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	for i := 0; i < n; i++ {
		select {
		case <-done:
		case <-timer.C:
			return
		}
	}
}

// Certificate returns the certificate used by the server, or nil if
// the server doesn't use TLS.
func (s *Server) Certificate() *x509.Certificate {
	return s.certificate
}

// Client returns an HTTP client configured for making requests to the server.
// It is configured to trust the server's TLS test certificate and will
// close its idle connections on [Server.Close].
// Use Server.URL as the base URL to send requests to the server.
// The returned client will also redirect any requests to "example.com"
// or its subdomains to the server.
//
// Its transport dials through compat/net.
func (s *Server) Client() *http.Client {
	return s.client
}

func (s *Server) goServe() {
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		s.Config.Serve(s.Listener)
	}()
}

// wrap installs the ConnState hook that tracks which connections are idle,
// in front of the caller's own hook.
//
// Unlike net/http/httptest's hook it does not panic on a transition it
// does not expect: compat/http may report it from a goroutine whose panic
// no test would see the cause of. The states it records only decide what
// Close closes.
func (s *Server) wrap() {
	userHook := s.Config.ConnState
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		closeConn := false
		s.mu.Lock()
		switch st {
		case http.StateNew:
			if _, ok := s.conns[c]; !ok {
				if s.conns == nil {
					s.conns = make(map[net.Conn]http.ConnState)
				}
				s.inflight.Add(1)
				s.conns[c] = st
				// Dialed as Close ran (a transport racing its own
				// dials): no request will come on it.
				closeConn = s.closed
			}
		case http.StateActive:
			if _, ok := s.conns[c]; ok {
				s.conns[c] = st
			}
		case http.StateIdle:
			if _, ok := s.conns[c]; ok {
				s.conns[c] = st
			}
			closeConn = s.closed
		case http.StateHijacked, http.StateClosed:
			if _, ok := s.conns[c]; ok {
				delete(s.conns, c)
				// Close returns only once the caller's hook has seen
				// the connection's last state.
				defer s.inflight.Done()
			}
		}
		s.mu.Unlock()
		if closeConn {
			c.Close()
		}
		if userHook != nil {
			userHook(c, st)
		}
	}
}
