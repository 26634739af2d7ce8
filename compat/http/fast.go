package http

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"runtime"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
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

// parseFast parses the request head at the start of b and reports whether
// the fast path may serve it; n is the head's length. It accepts only what
// net/http's server would accept and serve the same way; for anything else
// it returns ok false and the hybrid path lets net/http decide.
func parseFast(b []byte, s *Server) (req *http.Request, n int, ok bool) {
	h := headReaders.Get().(*headReader)
	defer headReaders.Put(h)
	h.src.b = b
	h.br.Reset(&h.src)
	req, err := http.ReadRequest(h.br)
	n = len(b) - len(h.src.b) - h.br.Buffered()
	h.src.b = nil
	if err != nil || !fastEligible(req, b[:n], s) {
		return nil, 0, false
	}
	return req, n, true
}

// headReader is a reusable bufio.Reader over a byte slice.
type headReader struct {
	src sliceReader
	br  *bufio.Reader
}

var headReaders = sync.Pool{New: func() any {
	h := &headReader{}
	h.br = bufio.NewReaderSize(&h.src, 4096)
	return h
}}

// fastEligible applies net/http's server-side checks to a parsed request
// (a Host header where HTTP/1.1 needs one, valid header names and values,
// the header size limit) and keeps the requests whose handling involves
// nothing beyond the request head.
func fastEligible(req *http.Request, head []byte, s *Server) bool {
	switch {
	case req.ProtoMajor != 1,
		req.Method == "CONNECT", req.Method == "PRI",
		req.RequestURI == "*",
		req.Body != http.NoBody, req.ContentLength != 0, len(req.TransferEncoding) != 0,
		len(head) > s.maxHeaderBytes(),
		s.Protocols != nil && !s.Protocols.HTTP1():
		return false
	}
	if _, ok := req.Header["Expect"]; ok {
		return false
	}
	if _, ok := req.Header["Upgrade"]; ok {
		return false
	}
	// ReadRequest has removed the Host header; net/http's server checks
	// it before that, so look at the raw head.
	hosts, host := hostHeaders(head)
	switch {
	case hosts < 0, hosts > 1:
		return false
	case hosts == 0 && req.ProtoAtLeast(1, 1):
		return false // 400: missing required Host header
	case hosts == 1 && (!httpguts.ValidHostHeader(host) || !httpguts.ValidHeaderFieldValue(host)):
		return false
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	return true
}

// hostHeaders counts the head's Host fields and returns the last one's
// value, or -1 if the head has folded lines (which the hybrid path leaves
// to net/http).
func hostHeaders(head []byte) (count int, value string) {
	_, rest, ok := bytes.Cut(head, []byte("\n")) // past the request line
	if !ok {
		return -1, ""
	}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return -1, ""
		}
		if len(line) >= 5 && asciiEqualFold(string(line[:5]), "host:") {
			count++
			value = textproto.TrimString(string(line[5:]))
		}
	}
	return count, value
}

// dispatch runs on the loop with a complete head in c.buf: it serves the
// request on the fast path if it can, else hands the connection to
// net/http.
func (c *conn) dispatch(drained bool) {
	req, n, ok := parseFast(c.buf, c.srv)
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
	c.srv.workers.run(fastJob{c: c, req: req, n: n})
}

// serveFast serves req, whose head is the first n bytes of c.buf, and any
// complete requests after it, then parks the connection. It owns the
// connection (connBusy) throughout.
func (c *conn) serveFast(req *http.Request, n int) {
	limit := c.srv.maxHeaderBytes() + 4096
	for {
		c.consume(n)
		if !c.serveRequest(req) {
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
		if req, n, ok = parseFast(c.buf, c.srv); !ok {
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

// serveRequest runs the handler for req and finishes its response, as
// net/http's connection loop does. It reports whether the connection
// stays open for another request; if not, the connection is closed, or
// hijacked and the handler's.
func (c *conn) serveRequest(req *http.Request) (keep bool) {
	s := c.srv
	if s.shuttingDown() {
		c.closeNow() // as net/http: a request read during Shutdown gets no reply
		return false
	}
	c.reportState(StateActive)
	ctx, cancel := context.WithCancel(c.requestBase())
	req = req.WithContext(ctx)
	req.RemoteAddr = c.remote
	w := newResponse(c, req, cancel)
	if d := s.WriteTimeout; d > 0 {
		c.SetWriteDeadline(time.Now().Add(d))
	}
	s.fastActive.Add(1)
	defer s.fastActive.Add(-1)
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
	partial := len(c.buf) > 0 // c.buf is the loop's once parked
	c.state.Store(connParked)
	s.parked.add(c, partial)
	if s.shuttingDown() {
		c.closeParked()
		return
	}
	if c.pending.Swap(false) {
		// Data or a hang-up came while busy: have the loop read it.
		if err := c.fd.Post(c.onReadable); err != nil {
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
