package http

import (
	"context"
	"net/http"
	"runtime"
	"time"
)

// The fast path serves the common request, one without a body, straight
// from the loop: the loop reads and parses the head, a goroutine runs the
// handler and writes the response (response.go), and the connection goes
// back to the loop with no hand-over to net/http. Every other request
// (a body, Expect, Upgrade, CONNECT, "OPTIONS *", HTTP/2 prior
// knowledge, or anything malformed) takes the hybrid path of conn.go,
// where net/http's own connection code serves it and answers errors.
//
// Who owns what: while a connection is connParked the loop owns c.buf;
// parseFast runs there, and a head it accepts moves the connection to
// connBusy, which gives c.buf to the goroutine started for it. That
// goroutine serves every complete request in c.buf in order (pipelining),
// then parks the connection again, publishing c.buf back to the loop. A
// readable edge that comes while busy is noted in c.pending, so the
// goroutine has the loop look again once it has parked.

// dispatch runs on the loop with a complete head in c.buf: it serves the
// request on the fast path if it can, else hands the connection to
// net/http.
func (c *conn) dispatch(drained bool) {
	h, n, ok := parseHead(c.buf, c.srv)
	if !ok {
		c.handOver()
		return
	}
	if !c.state.CompareAndSwap(connParked, connBusy) {
		return
	}
	c.srv.parked.drop(c)
	if !drained {
		// The loop stopped reading at the head limit: the kernel may hold
		// more, and no new edge will say so.
		c.pending.Store(true)
	}
	c.srv.workers.run(fastJob{c: c, h: h, n: n})
}

// serveFast serves the request of h, whose head is the first n bytes of
// c.buf, and any complete requests after it, then parks the connection.
// It owns the connection (connBusy) throughout.
func (c *conn) serveFast(h head, n int) {
	limit := c.srv.maxHeaderBytes() + 4096
	for {
		c.consume(n)
		if !c.serveRequest(&h) {
			return
		}
		switch {
		case c.eof && c.quietEOF():
			c.closeNow()
			return
		case c.eof && !headReady(c.buf, limit):
			c.toNetHTTP() // a partial request then EOF: net/http answers it
			return
		case !c.waited() || !headReady(c.buf, limit):
			c.parkIdle()
			return
		}
		var ok bool
		if h, n, ok = parseHead(c.buf, c.srv); !ok {
			c.toNetHTTP()
			return
		}
	}
}

// consume drops the first n bytes of c.buf.
func (c *conn) consume(n int) {
	m := copy(c.buf, c.buf[n:])
	c.buf = c.buf[:m]
	if m == 0 {
		putHead(c.buf)
		c.buf = nil
	}
}

// serveRequest runs the handler for h's request and finishes its response, as
// net/http's connection loop does. It reports whether the connection
// stays open for another request; if not, the connection is closed, or
// hijacked and the handler's.
func (c *conn) serveRequest(h *head) (keep bool) {
	s := c.srv
	if s.shuttingDown() {
		c.closeNow() // as net/http: a request read during Shutdown gets no reply
		return false
	}
	c.reportState(StateActive)
	ctx, cancel := context.WithCancel(c.requestBase())
	req := h.request(ctx, c.remote)
	w := newResponse(c, req, cancel)
	if d := s.WriteTimeout; d > 0 {
		c.SetWriteDeadline(time.Now().Add(d))
	}
	c.active.Store(w)
	if c.eof {
		w.clientGone() // net/http's background read would find the EOF at once
	}
	done := c.runHandler(w)
	c.active.Store(nil)
	cancel()
	if !done {
		// The handler panicked: send what reached the connection buffer,
		// then close, as net/http does.
		if !w.hijacked {
			w.bufw.Flush()
			w.release()
			c.closeNow()
		}
		return false
	}
	if w.hijacked {
		return false
	}
	w.finishRequest()
	if s.WriteTimeout > 0 {
		c.SetWriteDeadline(time.Time{})
	}
	reuse := w.shouldReuseConnection()
	w.release()
	if !reuse {
		c.closeNow()
		return false
	}
	c.reportState(StateIdle)
	if !s.keepAlives() {
		c.closeNow()
		return false
	}
	return true
}

// runHandler calls the Server's handler and recovers a panic the way
// net/http does: logged with its stack, unless it is ErrAbortHandler. It
// reports whether the handler returned normally.
func (c *conn) runHandler(w *response) (done bool) {
	defer func() {
		if done {
			return
		}
		if err := recover(); err != nil && err != http.ErrAbortHandler {
			const size = 64 << 10
			buf := make([]byte, size)
			buf = buf[:runtime.Stack(buf, false)]
			c.srv.logf("http: panic serving %v: %v\n%s", c.remote, err, buf)
		}
	}()
	h := c.srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	h.ServeHTTP(w, w.req)
	return true
}

// requestBase returns the context requests on c derive from: the
// connection's, with LocalAddrContextKey as net/http sets it.
func (c *conn) requestBase() context.Context {
	if c.reqBase == nil {
		c.reqBase = context.WithValue(c.ctx, LocalAddrContextKey, c.LocalAddr())
	}
	return c.reqBase
}

// parkIdle gives a busy connection back to the loop between requests.
func (c *conn) parkIdle() {
	s := c.srv
	if s.shuttingDown() || s.keepAlivesOff.Load() {
		c.closeNow()
		return
	}
	c.fd.ReleaseTimers()
	partial := len(c.buf) > 0 && c.waited() // c.buf is the loop's once parked
	c.state.Store(connParked)
	s.parked.add(c, partial)
	if s.shuttingDown() {
		c.closeParked()
		return
	}
	if c.pending.Swap(false) {
		// Data or a hang-up came while busy: have the loop read it.
		if err := c.fd.Post(c.recheck); err != nil {
			c.closeParked()
		}
	}
}

// toNetHTTP has net/http serve a busy connection from its next request
// on, which the fast path does not take.
func (c *conn) toNetHTTP() {
	c.state.Store(connServed)
	c.fd.OnReadable(nil)
	t := &turn{c: c, prefix: c.buf}
	c.buf = nil
	c.serve(t)
}

// hijack takes a busy connection off the loop for a handler's Hijack and
// returns the bytes read after the current request.
func (c *conn) hijack() []byte {
	c.state.Store(connHijacked)
	c.fd.OnReadable(nil)
	c.SetDeadline(time.Time{})
	c.srv.forget(c)
	rest := c.buf
	c.buf = nil
	return rest
}

// reportState reports a state to the user's ConnState hook. Active is
// reported once per request even if a head was read over two stretches.
func (c *conn) reportState(st ConnState) {
	if st == StateActive && ConnState(c.reported.Load()) == StateActive {
		return
	}
	c.reported.Store(int32(st))
	if c.srv.ConnState != nil {
		c.srv.ConnState(c, st)
	}
}
