package http

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"runtime"
	"time"
)

// serve.go is the busy goroutine's part of a connection (see conn's
// states): it takes the requests at the start of c.buf, each parsed by
// the fast parser (head.go: a request without a body or with a plain
// Content-Length one, in the strict subset it accepts, parsed on the
// loop) or by net/http's own parser
// (engine.go: everything else, with net/http's verdicts), serves them in
// order as net/http's connection loop does, and parks the connection
// once no complete request is left, or closes it.

// job is a busy connection with a request at the start of c.buf: a head
// the fast parser took (fast: h, n bytes), or one for net/http's parser
// (expired: its ReadHeaderTimeout has passed).
type job struct {
	c       *conn
	h       head
	n       int
	fast    bool
	expired bool
}

// dispatch runs on the loop with a request to read at the start of
// c.buf: it gives the connection to a worker.
func (c *conn) dispatch(drained, expired bool) {
	j := job{c: c, expired: expired}
	if !expired {
		j = c.nextJob()
	}
	if !c.state.CompareAndSwap(connParked, connBusy) {
		return
	}
	// The connection stays on its parked list while busy (see
	// parkedSet): its next park moves it, and it saves a lock here.
	if j.fast {
		// parseHead copied the head: its bytes go now, so that a buffer
		// left empty returns to the pool on the loop's P, where the
		// loop's next read takes it back.
		c.consume(j.n)
		j.n = 0
	}
	if !drained {
		// The loop stopped reading at the head limit: the kernel may hold
		// more, and no new edge will say so.
		c.pending.Store(true)
	}
	c.srv.workers.run(j)
}

// nextJob is the job for the request at the start of c.buf.
func (c *conn) nextJob() job {
	j := job{c: c}
	if c.lastPost && len(c.buf) > 0 && (c.buf[0] == '\r' || c.buf[0] == '\n') {
		return j // net/http's parser skips CRLF after a POST
	}
	j.h, j.n, j.fast = parseHead(c.buf, c.srv)
	return j
}

// serve serves j's request and every complete one after it, then parks
// the connection or closes it. It owns the connection (connBusy)
// throughout.
func (c *conn) serve(j job) {
	limit := c.srv.maxHeaderBytes() + 4096
	for {
		if !c.serveOne(j) {
			return
		}
		switch {
		case c.eof && c.quietEOF():
			c.closeNow()
			return
		case !c.eof && (!c.waited() || !headReady(c.buf, limit)):
			c.park()
			return
		}
		j = c.nextJob() // a partial request then EOF gets net/http's verdict
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

// serveOne reads j's request and serves it. It reports whether the
// connection stays open for another request; if not, the connection is
// closed, or hijacked and the handler's.
func (c *conn) serveOne(j job) bool {
	var req *http.Request
	var br *bufio.Reader
	ctx, cancel := context.WithCancel(c.requestBase())
	if j.fast {
		if j.n > 0 {
			c.consume(j.n)
		}
		c.readOn = false
		c.reportState(StateActive)
		if c.srv.shuttingDown() {
			cancel()
			c.closeNow() // as net/http: a request read during Shutdown gets no reply
			return false
		}
		req = j.h.request(ctx, c.remoteAddr())
		if n := j.h.contentLength; n > 0 {
			// The body follows in c.buf, then on the socket.
			c.startReader(noLimit)
			req.Body = &lengthBody{r: c.r, n: n}
			if d := c.srv.ReadTimeout; d > 0 {
				c.SetReadDeadline(time.Now().Add(d)) // net/http's whole-request deadline
			}
		}
	} else {
		sr := c.readSlow(j.expired)
		if sr == nil {
			cancel()
			return false
		}
		// The parser's Request itself gets the context: its body
		// reader writes the trailer into it.
		req, br = sr.req, sr.br
		*req = *req.WithContext(ctx)
		req.RemoteAddr = c.remoteAddr()
	}
	c.lastPost = req.Method == "POST"
	return c.serveRequest(req, br, cancel)
}

// serveRequest runs the handler for req and finishes its response, as
// net/http's connection loop does. br is the reader net/http's parser
// read req from, or nil.
func (c *conn) serveRequest(req *http.Request, br *bufio.Reader, cancel context.CancelFunc) (keep bool) {
	s := c.srv
	w := newResponse(c, req, cancel)
	w.br = br
	if req.Body != nil && req.Body != http.NoBody {
		b := &requestBody{w: w, src: req.Body, remain: req.ContentLength, closing: req.Close,
			chunked: len(req.TransferEncoding) > 0 && req.TransferEncoding[0] == "chunked"}
		if expectsContinue(req) && req.ProtoAtLeast(1, 1) && req.ContentLength != 0 {
			b.expect = true
			w.canWriteContinue.Store(true)
		}
		w.reqBody = b
		req.Body = b
	}
	if d := s.WriteTimeout; d > 0 {
		c.SetWriteDeadline(time.Now().Add(d))
	}
	if !expectsContinue(req) && hget(req.Header, "Expect") != "" {
		w.sendExpectationFailed()
		w.release()
		c.r.finish(br)
		c.closeNow()
		return false
	}
	c.active.Store(w)
	if w.reqBody == nil {
		c.watch(w)
	}
	done := c.runHandler(w)
	c.active.Store(nil)
	cancel()
	if !done {
		// The handler panicked: send what reached the connection buffer,
		// then close, as net/http does.
		if !w.hijacked {
			w.disableWriteContinue()
			if w.reqBody != nil {
				w.reqBody.Close()
			}
			w.bufw.Flush()
			w.release()
			c.r.finish(br)
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
	lingering := w.requestBodyLimitHit || w.closedRequestBodyEarly()
	w.release()
	c.r.finish(br)
	if !reuse {
		if lingering {
			c.closeWriteAndWait()
		} else {
			c.closeNow()
		}
		return false
	}
	c.reportState(StateIdle)
	if !s.keepAlives() {
		c.closeNow()
		return false
	}
	return true
}

// watch starts what net/http's background read does once a request has
// no body left to read: the client's hang-up cancels the request. Called
// by the busy goroutine before the handler runs.
func (c *conn) watch(w *response) {
	w.watching.Store(true)
	switch {
	case c.eof:
		// net/http's background read would find the EOF concurrently
		// with the handler, which usually starts first.
		go w.clientGone()
	case c.detached:
		// This goroutine read the socket; give readiness back to the
		// loop's callback, which sees a hang-up (and notes data for
		// later). Setting it has the loop look once.
		c.detached = false
		c.fd.OnReadable(c.readHandler())
		if c.fd.PeekClosed() {
			w.clientGone() // it came while nobody watched
		}
	case !c.quietSinceDispatch():
		// The loop's callback saw an edge before watching was set: if
		// it was the hang-up, nobody has acted on it.
		if c.fd.PeekClosed() {
			w.clientGone()
		}
	}
}

// quietSinceDispatch reports whether the loop's callback is on and has
// seen no readable edge since the request was dispatched, so no hang-up
// has come that a watcher would have missed; the caller has just set
// the response's watching. It saves a recvfrom per request with a body.
// One that comes from now on finds watching set: onReadable stores
// pending before it loads watching, the watcher stores watching before
// this loads pending, and Go's atomics are sequentially consistent, so
// one of the two sees the other's store. Called by the goroutine that
// owns the bytes (the busy one, or the one reading the body).
func (c *conn) quietSinceDispatch() bool {
	return !c.detached && !c.eof && !c.pending.Load()
}

func expectsContinue(r *http.Request) bool {
	return hasToken(hget(r.Header, "Expect"), "100-continue")
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
			c.srv.logf("http: panic serving %v: %v\n%s", c.remoteAddr(), err, buf)
		}
	}()
	h := c.srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	if !c.srv.DisableGeneralOptionsHandler && w.req.RequestURI == "*" && w.req.Method == "OPTIONS" {
		h = http.HandlerFunc(globalOptions)
	}
	h.ServeHTTP(w, w.req)
	return true
}

// hijack takes a busy connection off the loop for a handler's Hijack.
// The bytes read after the current request are in c.buf, or, for a
// request net/http's parser read, in that reader and c.r.
func (c *conn) hijack() {
	c.state.Store(connHijacked)
	c.srv.parked.drop(c)
	c.detached = true
	c.fd.DropReadHandler() // the hijacker's now: the loop keeps no reference to c
	c.SetDeadline(time.Time{})
	c.srv.forget(c)
}

// reportState reports a state to the user's ConnState hook.
func (c *conn) reportState(st ConnState) {
	c.reported.Store(int32(st))
	if c.srv.ConnState != nil {
		c.srv.ConnState(c.Conn, st)
	}
}

// globalOptions answers "OPTIONS *" as net/http's globalOptionsHandler:
// it reads up to 4 KiB of a body (reserved for future use), and past
// that MaxBytesReader closes the connection.
func globalOptions(w ResponseWriter, r *Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		io.Copy(io.Discard, MaxBytesReader(w, r.Body, 4<<10))
	}
}

// lengthBody is the body of a request with a Content-Length that the fast
// parser took: the reads of net/http's body for it (the last bytes come
// with io.EOF, a short body ends in io.ErrUnexpectedEOF, and io.EOF after
// that). requestBody wraps it with net/http's server rules.
type lengthBody struct {
	r      io.Reader
	n      int64 // bytes still to read
	sawEOF bool
}

func (b *lengthBody) Read(p []byte) (int, error) {
	if b.sawEOF || b.n <= 0 {
		b.sawEOF = true
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF {
		b.sawEOF = true
		if b.n > 0 {
			err = io.ErrUnexpectedEOF
		}
	}
	if err == nil && n > 0 && b.n == 0 {
		b.sawEOF = true
		err = io.EOF
	}
	return n, err
}

// Close is never called: requestBody's Close does net/http's.
func (b *lengthBody) Close() error { return nil }
