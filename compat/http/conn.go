package http

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/evshim/evshim/internal/loop"
)

// conn is one accepted connection on the loop. It is the net.Conn that
// the user's ConnState and ConnContext see, the same value for the
// connection's whole life.
//
// A connection's bytes have one owner at every moment, and it is this
// package; state says which part of it:
//
//   - connParked: the loop. No goroutine. The loop's readable callback
//     (onReadable) reads into buf until a request head is complete, or
//     is malformed, or the client has gone; the Server's parkedSet
//     closes the connection when IdleTimeout passes before a request
//     begins, and hands it on (with the head's deadline passed, for
//     net/http's verdict on a partial head) when ReadHeaderTimeout does.
//     dispatch moves it to connBusy and, still on the loop, drops the
//     bytes of a head the fast parser copied before it queues the job:
//     until the queue hands the job to a worker, nothing else touches
//     buf (Server.Close closes a busy connection's socket, not its buf).
//     A parked connection holds no connReader (r is nil) and, when
//     nothing has arrived, no buffer.
//   - connBusy: one goroutine of the Server's worker pool (serve.go).
//     It owns buf, and reads the socket itself, through r, only when a
//     request needs bytes the loop has not read (a body, the rest of a
//     head net/http's parser reads); the loop's callback then is off
//     (detached). Requests are parsed by the fast parser (head.go) or by
//     net/http's (engine.go), served in order, and whatever follows the
//     last one goes back to buf as the goroutine parks the connection
//     again (connParked), or closes it (connClosed). The loop, while
//     the callback is on, only notes a readable edge (pending) and
//     cancels the request if the client hangs up.
//   - connHijacked: the handler's, after Hijack; the connection has left
//     the loop and Server.conns.
//   - connHandedOver: net/http's own connection code, for an h2c
//     connection (decided at its first bytes); one-way, out of
//     Server.conns, net/http's Server tracks and closes it.
//   - connClosed: nobody's.
type conn struct {
	// Conn is the compat/net connection Accept returned; immutable. The
	// user's ConnContext and ConnState hooks and Hijack get it, never c,
	// as net/http gives them Accept's value (case http/conn-value).
	net.Conn
	fd  *loop.FD // its loop descriptor; immutable
	srv *Server  // immutable
	// base is what the context of the connection's requests derives from
	// (see requestBase), computed once at accept; immutable. A conn holds
	// no context value, address string or accept time of its own: every
	// open connection holds a conn, and issue 11 counts RSS per idle
	// connection, so the fields are laid out to fit the 128-byte size
	// class (since stands for the accept time, see Server.closeIdle; the
	// remote address is formatted per request, see remoteAddr).
	base *connBase

	state    atomic.Int32 // connParked, connBusy, ...
	closed   atomic.Bool  // Closed has been reported to ConnState
	reported atomic.Int32 // the last state reported to the user's ConnState
	pending  atomic.Bool  // a readable edge came while busy; the loop must look again (and a watcher peek: quietSinceDispatch)

	// Owned by whoever owns the bytes (see above).
	buf      []byte // bytes read and not yet served
	eof      bool   // the client closed or reset after the bytes in buf
	lastPost bool   // the last request was a POST: CRLF may precede the next
	readOn   bool   // the loop read more after the next request's first 4 bytes
	detached bool   // busy: the loop's callback is off, the goroutine reads the socket
	// listed is the parked list that holds the connection; guarded by
	// srv.parked.mu. A byte, not a *connList, where the bools leave room
	// (see base on the size class).
	listed parkedList

	// r is the busy goroutine's source for net/http's parser and for
	// bodies, made when a request first needs it and dropped by park: nil
	// while parked (see connReader).
	r *connReader

	active atomic.Pointer[response] // the request being served while busy, for the loop to cancel

	// Guarded by srv.parked.mu: the connection's place in a parked list.
	prev, next *conn
	// since is the monotime when it parked, or when its head began. A new
	// connection parks once, at accept, on the heads list (reading moves
	// only idle ones), so while it reports StateNew since is its accept
	// time, which net/http's closeIdleConns looks at.
	since int64
}

// remoteAddr is RemoteAddr().String(), Request.RemoteAddr. It is made
// each time it is asked for (once per request) rather than kept: an idle
// connection then holds no string (issue 11). compat/net formats it
// from the accepted sockaddr in one allocation.
func (c *conn) remoteAddr() string {
	if s, ok := loop.RemoteAddrString(c.Conn); ok {
		return s
	}
	if ra := c.RemoteAddr(); ra != nil {
		return ra.String()
	}
	return ""
}

const (
	connParked int32 = iota
	connBusy
	connHijacked
	connHandedOver
	connClosed
)

// park gives the connection to the loop until its next request head is
// complete; the busy goroutine calls it with buf holding what follows the
// last request, and Serve at accept (ReadHeaderTimeout runs from then,
// as in net/http).
func (c *conn) park() {
	s := c.srv
	if s.shuttingDown() {
		c.closeNow()
		return
	}
	// The request's deadlines are over; the loop's own timers take over.
	c.fd.ReleaseTimers()
	// The busy period's reader is finished; a parked connection holds
	// none (see connReader).
	c.r = nil
	reading := ConnState(c.reported.Load()) == StateNew || len(c.buf) > 0 && c.waited()
	attach := c.detached || ConnState(c.reported.Load()) == StateNew
	c.detached = false
	c.state.Store(connParked) // publishes buf to the loop
	s.parked.add(c, reading)
	if s.shuttingDown() { // raced with Shutdown's sweep
		c.closeParked()
		return
	}
	switch {
	case attach:
		// Setting the callback also has the loop look once.
		if err := c.fd.OnReadable(c.readHandler()); err != nil {
			c.closeParked()
		}
	case c.pending.Swap(false):
		// Data or a hang-up came while busy: have the loop read it.
		if err := c.fd.Post(c.recheck); err != nil {
			c.closeParked()
		}
	}
}

// onReadable runs on the loop whenever the connection is readable, with
// the event's flags. While parked it reads what has arrived and
// dispatches the request once its head is complete.
func (c *conn) onReadable(e loop.Events) {
	switch c.state.Load() {
	case connParked:
	case connBusy:
		// A request is being served: note the edge for when it parks,
		// and cancel the request if the client has gone, as net/http's
		// background read does.
		c.pending.Store(true)
		if w := c.active.Load(); w != nil && w.watching.Load() && e&(loop.ReadClosed|loop.Hangup) != 0 && c.fd.PeekClosed() {
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
		if n > 0 && len(c.buf) >= 4 {
			c.readOn = true
		}
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
			// EOF or reset. Bytes before it are answered as net/http
			// would, having read them before the EOF: a head too short
			// to wait for is not; anything else gets net/http's verdict.
			if len(c.buf) == 0 || c.quietEOF() {
				c.closeParked()
				return
			}
			c.eof = true
			c.dispatch(true, false)
			return
		}
	}
	if len(c.buf) == 0 && cap(c.buf) > 0 {
		// Nothing came: an idle connection holds no buffer.
		putHead(c.buf)
		c.buf = nil
	}
	if ConnState(c.reported.Load()) == StateNew && !c.firstBytes() {
		return
	}
	if c.waited() && headReady(c.buf, limit) {
		c.dispatch(drained, false)
		return
	}
	if len(c.buf) > 0 && c.waited() {
		// A head is under way: ReadHeaderTimeout runs from now, where
		// net/http starts it, once it has read 4 bytes of a request
		// after the first (before that, IdleTimeout still applies). A
		// connection already on the heads list stays put.
		c.srv.parked.reading(c)
	}
}

// readHandler is c as the loop's read handler for its descriptor. A view
// type rather than a method value: it costs an idle connection nothing
// (a method value would be an allocation each connection keeps), and
// *conn, which users see as a net.Conn, gains no exported method.
func (c *conn) readHandler() loop.ReadHandler { return (*connReads)(c) }

// connReads is a conn seen as a loop.ReadHandler.
type connReads conn

func (c *connReads) ReadReady(e loop.Events) { (*conn)(c).onReadable(e) }

// recheck has the loop look at a parked connection without an event.
func (c *conn) recheck() { c.onReadable(loop.ReadUnknown) }

// expire runs on the loop when a parked connection's ReadHeaderTimeout
// has passed (the parkedSet has taken it off its lists). net/http would
// be reading a head with its deadline passed: with nothing read it
// closes quietly; with part of a head it parses what it has, which
// usually earns a 400.
func (c *conn) expire() {
	if c.state.Load() != connParked {
		return
	}
	if len(c.buf) == 0 {
		c.closeParked()
		return
	}
	c.dispatch(true, true)
}

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

// closeNow closes a connection that no one else serves. It may still be
// on a parked list, as a busy connection is (see parkedSet).
func (c *conn) closeNow() {
	c.state.Store(connClosed)
	c.srv.parked.drop(c)
	c.finish()
}

// finish closes the socket, leaves Server.conns and reports Closed once.
// The report runs on a goroutine of its own when called on the loop:
// user code never runs there.
func (c *conn) finish() {
	c.Conn.Close()
	c.srv.forget(c)
	if c.closed.CompareAndSwap(false, true) && c.srv.ConnState != nil {
		if c.fd.OnLoop() {
			go c.srv.ConnState(c.Conn, StateClosed)
		} else {
			c.srv.ConnState(c.Conn, StateClosed)
		}
	}
}

// CloseWrite and CloseRead forward to the connection (the engine
// half-closes with CloseWrite).
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

// headReady reports whether a request should be read from b now: the
// header block is complete (an empty line ends it; net/http accepts bare
// LF line ends), the limit is reached (net/http answers 431), or a
// complete request or header line is one net/http rejects as soon as it
// reads it (it answers 400 at once).
func headReady(b []byte, limit int) bool {
	if len(b) >= limit {
		return true
	}
	if bytes.Contains(b, []byte("\n\r\n")) || bytes.Contains(b, []byte("\n\n")) {
		return true
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false
	}
	if !requestLineOK(b[:i]) {
		return true
	}
	// net/http's textproto rejects a header line as soon as it is read
	// if it has no colon, or if the first one begins with a space.
	for first, rest := true, b[i+1:]; ; first = false {
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			return false
		}
		line := rest[:j]
		rest = rest[j+1:]
		folded := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		if first && folded || !folded && bytes.IndexByte(line, ':') < 0 {
			return true
		}
		// A line with a colon is checked once the reader knows it is not
		// continued: when the next line's first byte has come and is not
		// a space or a tab. Before that net/http's reader waits too.
		if !folded && len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' && !headerLineOK(line) {
			return true
		}
	}
}

// headerLineOK reports whether net/http's textproto reader accepts line
// (through its LF, not continued) as a header line: a name of token bytes
// (spaces are tolerated, go.dev/issue/34540), a colon, and a value without
// control bytes other than tab.
func headerLineOK(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\r"))
	name, value, _ := bytes.Cut(bytes.Trim(line, " \t"), []byte(":"))
	if len(name) == 0 {
		return false
	}
	for _, ch := range name {
		if !isTokenChar(ch) && ch != ' ' {
			return false
		}
	}
	for _, ch := range value {
		if ch < ' ' && ch != '\t' || ch == 0x7f {
			return false
		}
	}
	return true
}

// requestLineOK reports whether net/http's parser accepts line (through
// its LF) as a request line: "METHOD SP target SP HTTP/x.y" with a token
// method, a target url.ParseRequestURI takes (an authority for CONNECT),
// and a version ParseHTTPVersion takes. net/http answers 400 as soon as
// a line fails, before any header.
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
	if !ok {
		return false
	}
	if _, _, ok := http.ParseHTTPVersion(string(proto)); !ok {
		return false
	}
	uri := string(target)
	if string(method) == "CONNECT" && !strings.HasPrefix(uri, "/") {
		uri = "http://" + uri
	}
	_, err := url.ParseRequestURI(uri)
	return err == nil
}

func isTokenChar(ch byte) bool { return tokenChars[ch] }

// tokenChars marks the bytes of an RFC 9110 token.
var tokenChars = alnumAnd("!#$%&'*+-.^_`|~")

// alnumAnd returns a table that marks the ASCII letters and digits and
// the bytes of extra.
func alnumAnd(extra string) (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for i := 0; i < len(extra); i++ {
		t[extra[i]] = true
	}
	return t
}
