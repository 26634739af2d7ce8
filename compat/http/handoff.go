package http

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// Only net/http's own connection code serves HTTP/2 over cleartext
// (h2c with prior knowledge). net/http decides it at a connection's first
// bytes, when Protocols allows unencrypted HTTP/2: the client preface,
// and nothing else, makes it an HTTP/2 connection. The loop decides the
// same way, at the same point, and the hand-over is one-way: the
// connection leaves Server.conns and the loop, and net/http's Server
// serves it to its end (ConnState sees it through connState).

const (
	prefaceLine = "PRI * HTTP/2.0"
	preface     = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
)

// firstBytes runs on the loop for a connection that has not yet begun
// its first request. It reports whether the loop should go on reading
// the bytes as HTTP/1; if not, it has waited for more, handed the
// connection over, or closed it.
func (c *conn) firstBytes() bool {
	p := c.srv.protocols()
	if p.UnencryptedHTTP2() {
		// net/http peeks at the first 14 bytes, then at 24.
		for _, want := range []string{prefaceLine, preface} {
			if len(c.buf) < len(want) && !c.eof {
				return false // net/http waits for as many bytes, preface or not
			}
			if !bytes.HasPrefix(c.buf, []byte(want)) {
				return c.http1()
			}
		}
		c.handOver()
		return false
	}
	return c.http1()
}

// http1 reports whether HTTP/1 is served; if not, net/http closes the
// connection without a word.
func (c *conn) http1() bool {
	if c.srv.protocols().HTTP1() {
		return true
	}
	c.closeParked()
	return false
}

// protocols is net/http's Server.protocols for a server without TLS: the
// user's set, or HTTP/1 alone.
func (s *Server) protocols() Protocols {
	if s.Protocols != nil {
		return *s.Protocols
	}
	var p Protocols
	p.SetHTTP1(true)
	return p
}

// handOver runs on the loop: net/http serves the connection from now on,
// starting with the bytes the loop has read.
func (c *conn) handOver() {
	if !c.unpark(connHandedOver) {
		return
	}
	c.fd.DropReadHandler() // net/http's now: the loop keeps no reference to c
	c.srv.forget(c)
	h := &handedConn{conn: c, prefix: c.buf}
	c.buf = nil
	// net/http's Serve derives the connection's context from its base
	// context, then replaces it with c.requestBase() (connContext): any base does.
	go c.srv.serveElsewhere(h, c.LocalAddr(), c.requestBase())
}

// serveElsewhere has net/http's Server serve nc to its end. net/http's
// Serve takes it from a one-shot listener, starts its connection
// goroutine and returns.
func (s *Server) serveElsewhere(nc net.Conn, addr net.Addr, base context.Context) {
	o := &oneShot{next: nc, addr: addr, base: base}
	s.hs.Serve(o)
	if !o.taken.Load() {
		nc.Close() // Serve refused the listener: the server is shutting down
	}
}

// handedConn is a connection net/http serves: first the bytes the loop
// had read, then the socket.
type handedConn struct {
	*conn
	mu     sync.Mutex
	prefix []byte // guarded by mu
}

func (h *handedConn) Read(p []byte) (int, error) {
	h.mu.Lock()
	if len(h.prefix) > 0 {
		n := copy(p, h.prefix)
		h.prefix = h.prefix[n:]
		h.mu.Unlock()
		return n, nil
	}
	h.mu.Unlock()
	return h.conn.Conn.Read(p)
}

func (h *handedConn) Write(p []byte) (int, error) { return h.conn.Conn.Write(p) }
func (h *handedConn) Close() error                { return h.conn.Conn.Close() }

// oneShot is a listener that yields one connection, then reports itself
// closed: net/http's Serve then returns, leaving the connection's own
// goroutine to serve it.
type oneShot struct {
	next  net.Conn
	addr  net.Addr
	base  context.Context
	taken atomic.Bool
}

var errOneShot = errors.New("evshim/http: one-shot listener done")

func (o *oneShot) Accept() (net.Conn, error) {
	if o.taken.CompareAndSwap(false, true) {
		return o.next, nil
	}
	return nil, errOneShot
}

func (o *oneShot) Close() error   { return nil }
func (o *oneShot) Addr() net.Addr { return o.addr }
