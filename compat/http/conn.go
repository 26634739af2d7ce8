package http

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evshim/evshim/internal/loop"
)

// conn is one accepted connection that the loop serves between requests.
// It is the net.Conn that the user's ConnState and ConnContext see, the
// same value for the connection's whole life.
//
// While parked, the loop owns buf: it is touched only by loop callbacks
// (onReadable, handOver), and by park before it gives readiness to the
// loop; state is the hand-off point. The Server's parkedSet closes a
// parked connection whose idle or header timeout has passed.
type conn struct {
	net.Conn          // the compat/net connection; immutable
	fd       *loop.FD // its loop descriptor; immutable
	srv      *Server  // immutable
	base     context.Context
	ctx      context.Context // ConnContext's result, computed once at accept

	state    atomic.Int32 // connParked, connServed or connClosed
	closed   atomic.Bool  // Closed has been reported to ConnState
	reported atomic.Int32 // the last state reported to the user's ConnState

	// idleAt is the monotime at which net/http last went idle on the
	// connection; gap is how long its next request then took to come.
	// Together they size the grace wait (see graceFor).
	idleAt atomic.Int64
	gap    atomic.Int64

	buf []byte // owned by the loop while parked, by the fast path's goroutine while busy: bytes read and not yet served

	// The fast path's (fast.go).
	pending atomic.Bool              // a readable edge came while busy; the loop must look again
	active  atomic.Pointer[response] // the request being served while busy, for the loop to cancel
	eof     bool                     // owned with buf: the client closed or reset after the bytes in buf
	remote  string                   // RemoteAddr().String(), immutable
	reqBase context.Context          // requestBase's; touched only by the busy goroutine

	// Guarded by srv.parked.mu: the connection's place in a parked list.
	prev, next *conn
	list       *connList
	since      int64 // monotime when it parked, or when its head began
}

const (
	connServed   int32 = iota // net/http serves it (or it is being handed over)
	connParked                // the loop holds it: no goroutine
	connBusy                  // a fast-path goroutine serves it
	connHijacked              // a fast-path handler took it
	connClosed
)

// park gives the connection to the loop until the next request head is
// complete. seen holds bytes already read for that request; reading says
// that a head is under way even if seen is empty (a new connection:
// ReadHeaderTimeout runs from accept, as in net/http). It is called at
// accept, and by the goroutine that served the connection as net/http
// closes it.
func (c *conn) park(seen []byte, reading bool) {
	s := c.srv
	if s.shuttingDown() || (!reading && s.keepAlivesOff.Load()) {
		c.closeNow()
		return
	}
	c.buf = seen
	// net/http's deadlines belong to the stretch that just ended (it sets
	// fresh ones at the next hand-over); the loop's own timers take over.
	c.fd.ReleaseTimers()
	c.state.Store(connParked)
	s.parked.add(c, reading || len(seen) > 0)
	if s.shuttingDown() { // raced with Shutdown's sweep
		c.closeParked()
		return
	}
	if err := c.fd.OnReadable(c.onReadable); err != nil {
		c.closeParked()
	}
}

// onReadable runs on the loop whenever the parked connection is readable,
// with the event's flags. It reads what has arrived and serves the request
// once its head is complete, or hands the connection to net/http (a head
// too large, or malformed).
func (c *conn) onReadable(e loop.Events) {
	switch c.state.Load() {
	case connParked:
	case connBusy:
		// The fast path is serving a request: note the edge for when it
		// parks, and cancel the request if the client has gone, as
		// net/http's background read does.
		c.pending.Store(true)
		if w := c.active.Load(); w != nil && e&(loop.ReadClosed|loop.Hangup) != 0 && c.fd.PeekClosed() {
			w.clientGone()
		}
		if c.state.Load() != connParked {
			return
		}
		// It parked meanwhile, perhaps without seeing the note: read now.
	default:
		return
	}
	limit := c.srv.maxHeaderBytes() + 4096 // net/http's initialReadLimitSize
	drained := false
	for {
		if len(c.buf) == cap(c.buf) {
			if len(c.buf) >= limit {
				break
			}
			c.buf = growHead(c.buf, limit)
		}
		room := cap(c.buf) - len(c.buf)
		n, err := c.fd.TryRead(c.buf[len(c.buf):cap(c.buf)])
		c.buf = c.buf[:len(c.buf)+n]
		if err == nil && n < room && e&(loop.ReadClosed|loop.Hangup) == 0 {
			// A short read took all the kernel had, and no FIN is behind
			// it (the event would say so): the next byte brings another
			// edge, so the read that would only return EAGAIN is saved.
			drained = true
			break
		}
		if errors.Is(err, loop.ErrWouldPark) {
			drained = true
			break
		}
		if err != nil {
			if len(c.buf) > 0 {
				// Bytes then EOF (or reset): they are served as net/http
				// would serve them, having read them before the EOF.
				c.eof = true
				switch {
				case c.quietEOF():
					c.closeParked()
				case headReady(c.buf, limit):
					// A whole head, or a malformed one, then EOF.
					c.dispatch(true)
				default:
					c.handOver()
				}
				return
			}
			c.closeParked() // EOF or reset while idle: net/http closes silently
			return
		}
	}
	if len(c.buf) == 0 && cap(c.buf) > 0 {
		// Nothing came: an idle connection holds no buffer.
		putHead(c.buf)
		c.buf = nil
	}
	if c.waited() && headReady(c.buf, limit) {
		c.dispatch(drained)
		return
	}
	if len(c.buf) > 0 && c.waited() {
		// A head is under way: ReadHeaderTimeout runs from now, where
		// net/http starts it, once it has read 4 bytes of a request
		// after the first (before that, IdleTimeout still applies). A
		// head that came whole has just been dispatched, without this
		// move; a connection already on the heads list stays put.
		c.srv.parked.reading(c)
	}
}

// recheck has the loop look at a parked connection without an event.
func (c *conn) recheck() { c.onReadable(loop.ReadUnknown) }

// quietEOF reports whether net/http would close without a word on
// finding EOF after the bytes in c.buf: between requests it waits for 4
// bytes before it reads a request, so a shorter remainder never gets an
// answer (a connection's first request does).
func (c *conn) quietEOF() bool { return !c.waited() }

// waited reports whether net/http would now read a request from c.buf:
// at once on a new connection, else once 4 bytes have come.
func (c *conn) waited() bool {
	return len(c.buf) >= 4 || ConnState(c.reported.Load()) == StateNew
}

// handOver runs on the loop: net/http serves the connection from now on,
// starting with the bytes the loop has read.
func (c *conn) handOver() {
	if !c.unpark(connServed) {
		return
	}
	c.noteRequest()
	t := &turn{c: c, prefix: c.buf}
	c.buf = nil
	if c.srv.shuttingDown() {
		c.closeNow()
		return
	}
	go c.serve(t)
}

// serve hands t to net/http's server for one stretch of requests. It runs
// on a goroutine of its own, off the loop: net/http's Serve takes the
// connection from a one-shot listener, starts its connection goroutine
// and returns.
func (c *conn) serve(t *turn) {
	o := &oneShot{next: t, addr: c.LocalAddr(), base: c.base}
	c.srv.hs.Serve(o)
	if !o.taken.Load() {
		// Serve refused the listener: the server is shutting down.
		c.closeNow()
	}
}

// unpark takes a parked connection off the loop into state to, and
// reports whether it was parked (a racing dispatch, sweep or Close may
// have taken it first).
func (c *conn) unpark(to int32) bool {
	if !c.state.CompareAndSwap(connParked, to) {
		return false
	}
	c.srv.parked.drop(c)
	c.fd.OnReadable(nil)
	return true
}

// closeParked closes a parked connection; safe from any goroutine.
func (c *conn) closeParked() {
	if !c.unpark(connClosed) {
		return
	}
	c.finish()
}

// closeNow closes a connection that no one else serves.
func (c *conn) closeNow() {
	c.state.Store(connClosed)
	c.finish()
}

// finish closes the socket and reports Closed once. The report runs on a
// goroutine of its own: user code never runs on the loop.
func (c *conn) finish() {
	c.Conn.Close()
	c.srv.forget(c)
	if c.markClosed() && c.srv.ConnState != nil {
		go c.srv.ConnState(c, StateClosed)
	}
}

// markClosed reports whether this call is the one that marks the
// connection closed for ConnState.
func (c *conn) markClosed() bool { return c.closed.CompareAndSwap(false, true) }

// CloseWrite and CloseRead forward to the connection, so net/http's
// closeWriteAndWait and hijackers find them.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}

func (c *conn) CloseRead() error {
	if cr, ok := c.Conn.(interface{ CloseRead() error }); ok {
		return cr.CloseRead()
	}
	return errors.ErrUnsupported
}

// How long net/http's goroutine waits for the next request on a keep-alive
// connection before the loop takes the connection over. A connection that
// is busy (its last request came within maxGrace of the one before) waits
// twice its last gap, so under load its requests stay on net/http's path
// with no hand-over each time; an idle one costs its goroutine only
// minGrace. Parking is for connections that really are idle.
const (
	minGrace = 2 * time.Millisecond
	maxGrace = 100 * time.Millisecond
)

// graceFor returns the grace wait for c's next request.
func (c *conn) graceFor() time.Duration {
	gap := time.Duration(c.gap.Load())
	if gap <= 0 || gap >= maxGrace {
		return minGrace
	}
	return min(max(2*gap, minGrace), maxGrace)
}

// noteRequest records how long the request now arriving took to come.
func (c *conn) noteRequest() {
	if at := c.idleAt.Load(); at != 0 {
		c.gap.Store(monotime() - at)
		c.idleAt.Store(0)
	}
}

// headPool recycles the buffers that parked connections read heads into,
// so that an idle connection holds none. It holds array pointers, which a
// full-capacity slice converts to and from without allocating.
var headPool = sync.Pool{New: func() any { return new([headBufSize]byte) }}

const headBufSize = 4096

func growHead(b []byte, limit int) []byte {
	if cap(b) == 0 {
		return headPool.Get().(*[headBufSize]byte)[:0]
	}
	n := min(2*cap(b), limit)
	nb := make([]byte, len(b), n)
	copy(nb, b)
	putHead(b)
	return nb
}

func putHead(b []byte) {
	if cap(b) == headBufSize {
		headPool.Put((*[headBufSize]byte)(b[:headBufSize]))
	}
}

// headReady reports whether net/http should take the connection now: the
// header block is complete (an empty line ends it; net/http accepts bare
// LF line ends), the limit is reached (net/http answers 431), or the
// request line is complete and malformed (net/http answers 400 at once).
func headReady(b []byte, limit int) bool {
	if len(b) >= limit {
		return true
	}
	if bytes.Contains(b, []byte("\n\r\n")) || bytes.Contains(b, []byte("\n\n")) {
		return true
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 && !requestLineOK(b[:i]) {
		return true
	}
	return false
}

// requestLineOK is a quick shape check of "METHOD SP target SP HTTP/x.y".
func requestLineOK(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\r"))
	method, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(method) == 0 {
		return false
	}
	for _, ch := range method {
		if !isTokenChar(ch) {
			return false
		}
	}
	target, proto, ok := bytes.Cut(rest, []byte(" "))
	return ok && len(target) > 0 && bytes.HasPrefix(proto, []byte("HTTP/"))
}

func isTokenChar(ch byte) bool { return tokenChars[ch] }

// tokenChars marks the bytes of an RFC 9110 token.
var tokenChars = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range []byte("!#$%&'*+-.^_`|~") {
		t[c] = true
	}
	return t
}()

// turn is one stretch of a connection's service by net/http: from a
// hand-over until net/http closes the connection, hijacks it, or finds it
// idle and gives it back to the loop. net/http's server sees a turn as its
// connection; every method is safe for concurrent use.
type turn struct {
	c *conn

	mu       sync.Mutex
	prefix   []byte // guarded by mu: bytes the loop read, served first
	pooled   []byte // guarded by mu: prefix's buffer, back to headPool once served
	idle     bool   // guarded by mu: net/http waits for the next request
	seen     []byte // guarded by mu: bytes returned while idle; the loop gets them back on park
	gaveUp   bool   // guarded by mu: a Read found the connection idle and empty
	parked   bool   // guarded by mu: Close gave the connection back to the loop
	hijacked bool   // guarded by mu
}

func (t *turn) setIdle(idle bool) {
	t.mu.Lock()
	t.idle = idle
	if idle {
		t.c.idleAt.Store(monotime())
	} else {
		t.seen = t.seen[:0] // keep the array: the next idle wait reuses it
	}
	t.mu.Unlock()
}

func (t *turn) setHijacked() {
	t.mu.Lock()
	t.hijacked, t.idle = true, false
	t.mu.Unlock()
}

func (t *turn) wasParked() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.parked
}

// errParked is what a Read returns when it gives the connection back to
// the loop. It is a timeout because net/http closes quietly on a read
// timeout, even in the middle of a request head; on io.EOF there it would
// answer 400 Bad Request, which the client has not earned.
var errParked error = parkedError{}

type parkedError struct{}

func (parkedError) Error() string   { return "evshim/http: connection parked on the loop" }
func (parkedError) Timeout() bool   { return true }
func (parkedError) Temporary() bool { return true }

// Read serves the loop's bytes first. While net/http waits for a request,
// a Read that finds nothing within the grace wait returns errParked, which
// net/http takes as a quiet close; Close then parks the connection on the
// loop with whatever bytes net/http had already read.
func (t *turn) Read(p []byte) (int, error) {
	t.mu.Lock()
	if len(t.prefix) > 0 {
		if t.pooled == nil {
			t.pooled = t.prefix
		}
		n := copy(p, t.prefix)
		t.prefix = t.prefix[n:]
		if t.idle {
			t.seen = append(t.seen, p[:n]...)
		}
		if len(t.prefix) == 0 {
			putHead(t.pooled)
			t.prefix, t.pooled = nil, nil
		}
		t.mu.Unlock()
		return n, nil
	}
	idle := t.idle
	t.mu.Unlock()
	if !idle || t.c.srv.shuttingDown() {
		return t.c.Conn.Read(p)
	}
	n, err := t.c.fd.ReadWithin(p, t.c.graceFor())
	if errors.Is(err, loop.ErrWouldPark) {
		t.mu.Lock()
		t.gaveUp = true
		t.mu.Unlock()
		return 0, errParked
	}
	if err != nil {
		// The same as a blocking Read would report: let it say so.
		return t.c.Conn.Read(p)
	}
	t.c.noteRequest()
	t.mu.Lock()
	t.seen = append(t.seen, p[:n]...)
	t.mu.Unlock()
	return n, nil
}

func (t *turn) Write(p []byte) (int, error) { return t.c.Conn.Write(p) }

// Close parks the connection on the loop if net/http is done with it only
// because it went idle; otherwise it closes it.
func (t *turn) Close() error {
	t.mu.Lock()
	park := t.gaveUp && t.idle && !t.hijacked && !t.parked
	if park {
		t.parked = true
	}
	seen := t.seen
	t.seen = nil
	t.mu.Unlock()
	if park {
		t.c.park(seen, false)
		return nil
	}
	t.c.state.Store(connClosed)
	return t.c.Conn.Close()
}

func (t *turn) LocalAddr() net.Addr                { return t.c.LocalAddr() }
func (t *turn) RemoteAddr() net.Addr               { return t.c.RemoteAddr() }
func (t *turn) SetDeadline(d time.Time) error      { return t.c.SetDeadline(d) }
func (t *turn) SetReadDeadline(d time.Time) error  { return t.c.SetReadDeadline(d) }
func (t *turn) SetWriteDeadline(d time.Time) error { return t.c.SetWriteDeadline(d) }
func (t *turn) CloseWrite() error                  { return t.c.CloseWrite() }
func (t *turn) CloseRead() error                   { return t.c.CloseRead() }

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
