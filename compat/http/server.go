//go:build go1.26

package http

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	cnet "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
)

// Safe defaults where net/http has none: a slow or idle client must not
// hold a connection for ever (gevent's pywsgi has no timeouts at all, and
// gunicorn's docs send sync workers behind a buffering proxy for this).
// A negative value in the Server field turns the default off.
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultIdleTimeout       = 120 * time.Second
)

// A Server defines parameters for running an HTTP server. It has every
// field and method of net/http's Server, with the same meaning.
//
// Serving a listener from compat/net runs on the loop: an idle keep-alive
// connection holds no goroutine, the loop reads and parses each request
// head, and a pooled goroutine runs the handler only once a head is
// complete. Every request is answered by this package's ResponseWriter,
// byte for byte as net/http would answer it; requests this package's
// parser does not take (a body, anything unusual or malformed) are parsed
// by net/http's own parser, with its verdicts and body readers (see the
// package documentation). Serving any other listener (a crypto/tls
// listener, a stdlib listener) is net/http's Server.Serve, unchanged.
// COMPAT.md lists the differences; in short:
//
//   - ReadHeaderTimeout and IdleTimeout default to 10 s and 120 s when
//     neither they nor ReadTimeout are set (net/http: no timeout). A
//     negative value turns the default off.
//   - The fields are read when serving starts; later changes are ignored,
//     but for Handler and ErrorLog, read at each use as net/http does.
//   - The value under ServerContextKey is this *Server.
//
// A *Server is not a *net/http.Server.
type Server struct {
	// Addr optionally specifies the TCP address for the server to listen
	// on, in the form "host:port". If empty, ":http" (port 80) is used.
	Addr string
	// Handler to invoke, http.DefaultServeMux if nil.
	Handler Handler
	// DisableGeneralOptionsHandler, if true, passes "OPTIONS *" requests
	// to the Handler, otherwise responds with 200 OK and Content-Length: 0.
	DisableGeneralOptionsHandler bool
	// TLSConfig optionally provides a TLS configuration for use by
	// ServeTLS and ListenAndServeTLS.
	TLSConfig *tls.Config
	// ReadTimeout is the maximum duration for reading the entire request,
	// including the body. A zero or negative value means there will be no
	// timeout.
	ReadTimeout time.Duration
	// ReadHeaderTimeout is the amount of time allowed to read request
	// headers. Zero means ReadTimeout if set, else 10 s (evshim's default);
	// negative means no timeout.
	ReadHeaderTimeout time.Duration
	// WriteTimeout is the maximum duration before timing out writes of the
	// response.
	WriteTimeout time.Duration
	// IdleTimeout is the maximum amount of time to wait for the next
	// request when keep-alives are enabled. Zero means ReadTimeout if set,
	// else 120 s (evshim's default); negative means no timeout.
	IdleTimeout time.Duration
	// MaxHeaderBytes controls the maximum number of bytes the server will
	// read parsing the request header's keys and values, including the
	// request line. If zero, DefaultMaxHeaderBytes is used.
	MaxHeaderBytes int
	// TLSNextProto optionally specifies a function to take over ownership
	// of the provided TLS connection when an ALPN protocol upgrade has
	// occurred.
	TLSNextProto map[string]func(*Server, *tls.Conn, Handler)
	// ConnState specifies an optional callback function that is called
	// when a client connection changes state.
	ConnState func(net.Conn, ConnState)
	// ErrorLog specifies an optional logger for errors accepting
	// connections, unexpected behavior from handlers, and underlying
	// FileSystem errors.
	ErrorLog *log.Logger
	// BaseContext optionally specifies a function that returns the base
	// context for incoming requests on this server.
	BaseContext func(net.Listener) context.Context
	// ConnContext optionally specifies a function that modifies the
	// context used for a new connection c.
	ConnContext func(ctx context.Context, c net.Conn) context.Context
	// HTTP2 configures HTTP/2 connections.
	HTTP2 *HTTP2Config
	// Protocols is the set of protocols accepted by the server.
	Protocols *Protocols

	initOnce sync.Once
	hs       *http.Server // net/http's server that serves requests; built from the fields by init

	inShutdown    atomic.Bool
	keepAlivesOff atomic.Bool
	mu            sync.Mutex
	listeners     map[*net.Listener]struct{} // guarded by mu
	workers       workerPool                 // goroutines that serve busy connections
	parked        parkedSet                  // the loop's connections, from accept to close, hijack or hand-over (Server.conns); srv set by init
	serving       sync.WaitGroup             // Serve loops still accepting
}

// init builds net/http's server from the fields, once.
func (s *Server) init() *http.Server {
	s.initOnce.Do(func() {
		hs := &http.Server{
			Addr:                         s.Addr,
			Handler:                      HandlerFunc(s.serveHTTP),
			DisableGeneralOptionsHandler: s.DisableGeneralOptionsHandler,
			TLSConfig:                    s.TLSConfig,
			ReadTimeout:                  s.ReadTimeout,
			ReadHeaderTimeout:            s.readHeaderTimeout(),
			WriteTimeout:                 s.WriteTimeout,
			IdleTimeout:                  s.idleTimeout(),
			MaxHeaderBytes:               s.MaxHeaderBytes,
			ConnState:                    s.connState,
			ErrorLog:                     log.New(errorLogWriter{s}, "", 0),
			BaseContext:                  s.baseContext,
			ConnContext:                  s.connContext,
			HTTP2:                        s.HTTP2,
			Protocols:                    s.Protocols,
		}
		if s.TLSNextProto != nil {
			// A non-nil map, even empty, is how callers turn HTTP/2 off.
			hs.TLSNextProto = make(map[string]func(*http.Server, *tls.Conn, http.Handler), len(s.TLSNextProto))
			for proto, fn := range s.TLSNextProto {
				hs.TLSNextProto[proto] = func(_ *http.Server, c *tls.Conn, h http.Handler) { fn(s, c, h) }
			}
		}
		s.hs = hs
		s.parked.srv = s
		s.parked.idle.id, s.parked.heads.id, s.parked.held.id = listedIdle, listedHeads, listedHeld
	})
	return s.hs
}

// readHeaderTimeout is net/http's rule with evshim's default.
func (s *Server) readHeaderTimeout() time.Duration {
	switch {
	case s.ReadHeaderTimeout != 0:
		return s.ReadHeaderTimeout
	case s.ReadTimeout != 0:
		return s.ReadTimeout
	}
	return defaultReadHeaderTimeout
}

// idleTimeout is net/http's rule with evshim's default.
func (s *Server) idleTimeout() time.Duration {
	switch {
	case s.IdleTimeout != 0:
		return s.IdleTimeout
	case s.ReadTimeout != 0:
		return s.ReadTimeout
	}
	return defaultIdleTimeout
}

func (s *Server) maxHeaderBytes() int {
	if s.MaxHeaderBytes > 0 {
		return s.MaxHeaderBytes
	}
	return DefaultMaxHeaderBytes
}

func (s *Server) shuttingDown() bool { return s.inShutdown.Load() }

// serveHTTP is the Handler of net/http's server: it reads s.Handler per
// request, as net/http does, so a Handler set after serving started (as
// tests do with an httptest server's Config) serves, and reading it does
// not race with that write.
func (s *Server) serveHTTP(w ResponseWriter, r *Request) {
	h := s.Handler
	if h == nil {
		h = DefaultServeMux
	}
	h.ServeHTTP(w, r)
}

// errorLogWriter is the output of net/http's server's ErrorLog: each line
// goes to s.ErrorLog as it is when the line is written, or to the log
// package's standard logger when that is nil, as net/http's logf does.
type errorLogWriter struct{ s *Server }

func (w errorLogWriter) Write(p []byte) (int, error) {
	if l := w.s.ErrorLog; l != nil {
		l.Print(string(p))
	} else {
		log.Print(string(p))
	}
	return len(p), nil
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// baseContext serves net/http's BaseContext hook: a one-shot listener
// carries the base context its Serve call computed once.
func (s *Server) baseContext(l net.Listener) context.Context {
	if o, ok := l.(*oneShot); ok {
		return o.base
	}
	if s.BaseContext != nil {
		return s.BaseContext(l)
	}
	return context.Background()
}

// connContext serves net/http's ConnContext hook. A connection handed
// over from the loop keeps the context computed once at accept; others
// get this Server under ServerContextKey and the user's ConnContext, as
// net/http would give them.
func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	if h, ok := c.(*handedConn); ok {
		return h.conn.requestBase()
	}
	return s.newConnContext(ctx, c)
}

func (s *Server) newConnContext(ctx context.Context, c net.Conn) context.Context {
	ctx = context.WithValue(ctx, ServerContextKey, s)
	if s.ConnContext != nil {
		ctx = s.ConnContext(ctx, c)
		if ctx == nil {
			panic("ConnContext returned nil")
		}
	}
	return ctx
}

// connState serves net/http's ConnState hook. A connection handed over
// from the loop is the same connection to the user's hook: New was
// reported at accept.
func (s *Server) connState(nc net.Conn, st ConnState) {
	if h, ok := nc.(*handedConn); ok {
		c := h.conn
		if st == StateNew || st == StateClosed && !c.closed.CompareAndSwap(false, true) {
			return
		}
		c.reported.Store(int32(st))
		nc = c.Conn
	}
	if s.ConnState != nil {
		s.ConnState(nc, st)
	}
}

// Serve accepts incoming connections on the Listener l. For a listener
// from compat/net the loop holds each connection between requests;
// otherwise Serve is net/http's.
//
// Serve always returns a non-nil error. After Shutdown or Close, the
// returned error is ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	hs := s.init()
	if loop.FDOf(l) == nil {
		return hs.Serve(l) // not a compat/net listener on the loop
	}
	if !s.trackListener(&l, true) {
		return ErrServerClosed
	}
	defer s.trackListener(&l, false)
	base := context.Background()
	if s.BaseContext != nil {
		base = s.BaseContext(l)
		if base == nil {
			panic("BaseContext returned a nil context")
		}
	}
	shared := &connBase{ctx: base} // the connections' base without a ConnContext
	var tempDelay time.Duration    // how long to sleep on accept failure, as net/http does
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.shuttingDown() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				tempDelay = backoff(tempDelay)
				s.logf("http: Accept error: %v; retrying in %v", err, tempDelay)
				time.Sleep(tempDelay)
				continue
			}
			return err
		}
		tempDelay = 0
		fd := loop.FDOf(nc)
		if fd == nil {
			// Not a loop connection: net/http serves it from the start.
			go s.serveElsewhere(nc, l.Addr(), base)
			continue
		}
		c := &conn{Conn: nc, fd: fd, srv: s, base: shared}
		if s.ConnContext != nil {
			c.base = s.connContextOf(base, c)
		}
		s.track(c)
		if s.ConnState != nil {
			s.ConnState(nc, StateNew)
		}
		c.park()
	}
}

// track and forget keep the set of the loop's connections that Close
// must close and Shutdown must see closed (see parkedSet).
func (s *Server) track(c *conn)  { s.parked.track(c) }
func (s *Server) forget(c *conn) { s.parked.forget(c) }

// keepAlives reports whether a response may leave its connection open,
// as net/http's doKeepAlives.
func (s *Server) keepAlives() bool { return !s.keepAlivesOff.Load() && !s.shuttingDown() }

// closeIdle closes the parked connections net/http's closeIdleConns
// would close: those idle since a request (even with part of the next
// head read), and new ones that have sent nothing whole for 5 seconds. It
// reports whether no connection is left.
func (s *Server) closeIdle() bool {
	for _, c := range s.parked.idleAsNetHTTP(monotime() - int64(5*time.Second)) {
		c.closeParked()
	}
	return s.parked.count() == 0
}

// closeAll closes every connection of the loop's; busy ones' handlers see
// their requests canceled and write errors, as with net/http's Close.
func (s *Server) closeAll() {
	for _, c := range s.parked.all() {
		if c.state.Load() == connParked {
			c.closeParked()
			continue
		}
		c.Conn.Close()
		// net/http's background read fails on the closed connection and
		// cancels the request; the loop sees no event once it is closed.
		if w := c.active.Load(); w != nil {
			w.clientGone()
		}
	}
}

// waitQuiet closes idle connections until none is left, polling as
// net/http's Shutdown does, or until ctx is done.
func (s *Server) waitQuiet(ctx context.Context) error {
	const maxInterval = 500 * time.Millisecond
	interval := time.Millisecond
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for !s.closeIdle() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			interval = min(2*interval, maxInterval)
			timer.Reset(interval)
		}
	}
	return nil
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func backoff(d time.Duration) time.Duration {
	if d == 0 {
		return 5 * time.Millisecond
	}
	if d *= 2; d > time.Second {
		d = time.Second
	}
	return d
}

func (s *Server) trackListener(ln *net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listeners == nil {
		s.listeners = make(map[*net.Listener]struct{})
	}
	if add {
		if s.shuttingDown() {
			return false
		}
		s.listeners[ln] = struct{}{}
		s.serving.Add(1)
	} else {
		delete(s.listeners, ln)
		s.serving.Done()
	}
	return true
}

func (s *Server) closeListeners() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for ln := range s.listeners {
		if cerr := (*ln).Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
			err = cerr
		}
	}
	return err
}

// Shutdown gracefully shuts down the server without interrupting any
// active connections, as net/http's Shutdown does: it closes all open
// listeners, then idle connections, and waits for active connections to
// become idle and close. It returns when all are closed or when ctx is
// done, with ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	hs := s.init()
	s.inShutdown.Store(true)
	lerr := s.closeListeners()
	err := hs.Shutdown(ctx) // connections net/http serves, and its OnShutdown hooks
	if err == nil {
		err = s.waitQuiet(ctx)
	}
	if err == nil {
		s.parked.stop()
		s.workers.close()
		err = lerr
	}
	return err
}

// Close immediately closes all active listeners and all connections.
func (s *Server) Close() error {
	hs := s.init()
	s.inShutdown.Store(true)
	lerr := s.closeListeners()
	s.closeAll()
	err := hs.Close()
	s.parked.stop()
	s.workers.close()
	if lerr != nil {
		return lerr
	}
	return err
}

// RegisterOnShutdown registers a function to call on Shutdown.
func (s *Server) RegisterOnShutdown(f func()) { s.init().RegisterOnShutdown(f) }

// SetKeepAlivesEnabled controls whether HTTP keep-alives are enabled. By
// default, keep-alives are always enabled.
func (s *Server) SetKeepAlivesEnabled(v bool) {
	s.init().SetKeepAlivesEnabled(v)
	s.keepAlivesOff.Store(!v)
	if !v {
		s.closeIdle()
	}
}

// ListenAndServe listens on the TCP network address s.Addr with compat/net
// and then calls Serve to handle requests on incoming connections.
//
// ListenAndServe always returns a non-nil error. After Shutdown or Close,
// the returned error is ErrServerClosed.
func (s *Server) ListenAndServe() error {
	ln, err := s.listen("http")
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// listen is ListenAndServe's and ListenAndServeTLS's listener: on s.Addr
// with compat/net, or on port if s.Addr is empty.
func (s *Server) listen(port string) (net.Listener, error) {
	if s.shuttingDown() {
		return nil, ErrServerClosed
	}
	addr := s.Addr
	if addr == "" {
		addr = ":" + port
	}
	return cnet.Listen("tcp", addr)
}

// ServeTLS accepts incoming connections on the Listener l, performing TLS
// handshakes and serving HTTP/1.1 and HTTP/2 with net/http's own TLS path
// (a goroutine per connection, over l's connections: cooperative I/O when l
// comes from compat/net).
func (s *Server) ServeTLS(l net.Listener, certFile, keyFile string) error {
	return s.init().ServeTLS(l, certFile, keyFile)
}

// ListenAndServeTLS acts identically to ListenAndServe, except that it
// expects HTTPS connections; see ServeTLS.
func (s *Server) ListenAndServeTLS(certFile, keyFile string) error {
	ln, err := s.listen("https")
	if err != nil {
		return err
	}
	defer ln.Close()
	return s.ServeTLS(ln, certFile, keyFile)
}

// ListenAndServe listens on the TCP network address addr and then calls
// Serve with handler to handle requests on incoming connections.
func ListenAndServe(addr string, handler Handler) error {
	server := &Server{Addr: addr, Handler: handler}
	return server.ListenAndServe()
}

// ListenAndServeTLS acts identically to ListenAndServe, except that it
// expects HTTPS connections.
func ListenAndServeTLS(addr, certFile, keyFile string, handler Handler) error {
	server := &Server{Addr: addr, Handler: handler}
	return server.ListenAndServeTLS(certFile, keyFile)
}

// Serve accepts incoming HTTP connections on the listener l and serves
// them with handler, as Server.Serve does.
func Serve(l net.Listener, handler Handler) error {
	srv := &Server{Handler: handler}
	return srv.Serve(l)
}

// ServeTLS accepts incoming HTTPS connections on the listener l.
func ServeTLS(l net.Listener, handler Handler, certFile, keyFile string) error {
	srv := &Server{Handler: handler}
	return srv.ServeTLS(l, certFile, keyFile)
}
