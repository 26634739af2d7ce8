package http

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"reflect"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
)

// This file reads what the fast parser (head.go) declines: a request
// with a body, an Expect, an absolute target, folded lines, a malformed
// head. It reads it with net/http's public request parser, ReadRequest,
// from a bufio.Reader over the connection (connReader: the bytes the
// loop had read, then the socket), so that malformed input gets
// net/http's verdict and answer, and a body gets net/http's body reader.
// Whatever the bufio.Reader holds after the request goes back to c.buf.
//
// ReadRequest deletes the Host header, which net/http's server checks
// after parsing (its conn.readRequest calls the parser that keeps it);
// requestHosts recovers it, from req.Host or from the head's bytes.

// maxPostHandlerReadBytes is how much of an unread request body
// net/http's server reads after the handler, to reuse the connection.
const maxPostHandlerReadBytes = 256 << 10

// connReader is what the busy goroutine reads a connection through: the
// bytes the loop read first, then the socket. While a head is read it
// enforces net/http's read limit (remain), so a head too large gets its
// 431. It is owned with c.buf by the busy goroutine, and lives for one busy
// period: startReader makes it, park drops it. So a parked connection
// holds none (issue 11 counts RSS per idle connection), and a request
// body still referenced after its connection parked reads from its own
// finished reader (EOF), never from one that a later request started.
type connReader struct {
	c      *conn
	seed   []byte // bytes the loop read, not yet returned
	pooled []byte // seed's array, back to headPool when done
	remain int64  // bytes it may still return: net/http's read limit
	on     bool   // started and not finished
	wire   bool   // it has read the socket

	// While keep is set (a head is being read for ReadRequest), kept
	// holds every byte Read has returned since start, once one came from
	// the socket; before that they are the start of pooled. Bounded by
	// the head's read limit.
	keep bool
	kept []byte
}

const noLimit = 1<<63 - 1

// startReader starts c's reader on c.buf, making one if this busy period
// has none yet.
func (c *conn) startReader(limit int64) {
	if c.r == nil {
		c.r = new(connReader)
	}
	c.r.start(c, limit)
}

// start makes c.buf the reader's seed.
func (r *connReader) start(c *conn, limit int64) {
	r.c, r.seed, r.pooled, r.remain, r.on = c, c.buf, c.buf, limit, true
	c.buf = nil
}

func (r *connReader) Read(p []byte) (int, error) {
	if r.remain <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.remain {
		p = p[:r.remain]
	}
	if len(r.seed) > 0 {
		n := copy(p, r.seed)
		r.seed = r.seed[n:]
		r.remain -= int64(n)
		return n, nil
	}
	c := r.c
	if c.eof {
		// The loop saw the client's EOF after the seed.
		c.readFailed()
		return 0, io.EOF
	}
	if !c.detached {
		// The busy goroutine reads the socket itself: readiness goes
		// back to blocking reads until the connection parks again.
		c.detached = true
		c.fd.OnReadable(nil)
	}
	n, err := c.Conn.Read(p)
	r.remain -= int64(n)
	if n > 0 {
		r.wire = true
		if r.keep {
			if r.kept == nil {
				// The seed is all returned: it is all of pooled.
				r.kept = append(make([]byte, 0, len(r.pooled)+n), r.pooled...)
			}
			r.kept = append(r.kept, p[:n]...)
		}
	}
	if err != nil {
		if !isTimeout(err) {
			c.eof = true // EOF or a reset: what comes after is nothing
		}
		c.readFailed()
	}
	return n, err
}

// returned is what Read has returned since start, while keep is set.
func (r *connReader) returned() []byte {
	if r.kept != nil {
		return r.kept
	}
	return r.pooled[:len(r.pooled)-len(r.seed)]
}

// readFailed cancels the request being served, as a failed read does in
// net/http's connReader.
func (c *conn) readFailed() {
	if w := c.active.Load(); w != nil {
		w.clientGone()
	}
}

// finish returns what br (which may be nil) holds and the rest of the
// seed to c.buf. A nil r (no reader started) has nothing to return.
func (r *connReader) finish(br *bufio.Reader) {
	if r == nil || !r.on {
		return
	}
	c := r.c
	var held []byte
	if br != nil {
		held, _ = br.Peek(br.Buffered())
	}
	if n := len(held) + len(r.seed); n > 0 {
		var b []byte
		if n <= headBufSize {
			b = growHead(nil, n)
		} else {
			b = make([]byte, 0, n)
		}
		b = append(append(b, held...), r.seed...)
		c.buf = b
	}
	putHead(r.pooled)
	*r = connReader{c: c}
	if br != nil {
		br.Reset(nil)
		readers.Put(br)
	}
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// slowRead is a request read by net/http's parser, with the reader it
// came from, whose buffer holds what follows it.
type slowRead struct {
	req *http.Request
	br  *bufio.Reader
}

// readSlow reads the request at the start of c.buf with net/http's
// parser, as net/http's conn.readRequest does. expired says that the
// head's ReadHeaderTimeout has already passed. It returns nil, having
// answered the error as net/http does and closed the connection, if the
// request is malformed or never came whole.
func (c *conn) readSlow(expired bool) *slowRead {
	s := c.srv
	if d := s.readHeaderTimeout(); expired {
		c.SetReadDeadline(time.Unix(1, 0))
	} else if d > 0 {
		c.SetReadDeadline(time.Now().Add(d))
	}
	limit := int64(s.maxHeaderBytes()) + 4096 // net/http's initialReadLimitSize
	c.startReader(limit)
	c.r.keep = true
	br := readers.Get().(*bufio.Reader)
	br.Reset(c.r)
	if c.lastPost {
		// RFC 9112, section 2.2: a client may send CRLF after a POST body.
		peek, _ := br.Peek(4)
		br.Discard(numLeadingCRorLF(peek))
	}
	at := len(c.r.returned()) - br.Buffered() // where the head starts
	req, err := http.ReadRequest(br)
	var hosts []string
	if err == nil {
		hosts, err = requestHosts(req, c.r.returned()[at:])
	}
	c.r.keep, c.r.kept = false, nil
	if err == nil && !http1ServerSupportsRequest(req) {
		err = statusError{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	} else if err != nil && c.r.remain <= 0 {
		err = errTooLarge
	}
	if err == nil || ConnState(c.reported.Load()) == StateNew || c.r.wire || c.readOn {
		// net/http reports Active for a request it parsed, and for one
		// it could not only if it read bytes off the wire for it (not
		// counting those its wait for the next request's first bytes
		// took): on a new connection, or after that first read.
		c.reportState(StateActive)
	}
	c.readOn = false
	if err == nil {
		err = checkHost(req, hosts)
	}
	if s.shuttingDown() {
		c.r.finish(br)
		c.closeNow()
		return nil
	}
	if err != nil {
		c.r.finish(br)
		c.answerReadError(err)
		return nil
	}
	c.lastPost = req.Method == "POST"
	c.r.remain = noLimit
	if d := s.ReadTimeout; d > 0 {
		c.SetReadDeadline(time.Now().Add(d))
	} else {
		c.SetReadDeadline(time.Time{})
	}
	return &slowRead{req: req, br: br}
}

// requestHosts returns the values of the Host header that ReadRequest
// parsed from head (the bytes from the request line on, and perhaps some
// after the head) and deleted from req.Header.
//
// ReadRequest fails on more than one Host line, so there is at most one
// value. Where req.Host is not the target's host it is that value, and
// head need not be read again. Otherwise (no Host, an empty one, or a
// target in absolute or authority form, whose host req.Host holds) head
// is parsed again by the reader ReadRequest parsed it with, textproto's,
// which gives exactly the lines it read: folded, bare-LF ended, in any
// case.
func requestHosts(req *http.Request, head []byte) ([]string, error) {
	if req.URL.Host == "" && req.Host != "" {
		return []string{req.Host}, nil
	}
	br := readers.Get().(*bufio.Reader)
	defer func() {
		br.Reset(nil)
		readers.Put(br)
	}()
	br.Reset(bytes.NewReader(head))
	tp := textproto.NewReader(br)
	if _, err := tp.ReadLine(); err != nil {
		return nil, err
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, err
	}
	return h["Host"], nil
}

// checkHost is net/http's server's check of the Host header and of the
// header lines, given the Host header's values that ReadRequest removed.
func checkHost(req *http.Request, hosts []string) error {
	if req.ProtoAtLeast(1, 1) && len(hosts) == 0 && !isH2Upgrade(req) && req.Method != "CONNECT" {
		// isH2Upgrade looks at a Header without Host, as net/http's does
		// whenever it matters here: when there is no Host.
		return badRequestError("missing required Host header")
	}
	if len(hosts) == 1 && !httpguts.ValidHostHeader(hosts[0]) {
		return badRequestError("malformed Host header")
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return badRequestError("invalid header name")
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return badRequestError("invalid header value")
			}
		}
	}
	return nil
}

func http1ServerSupportsRequest(req *http.Request) bool {
	return req.ProtoMajor == 1 ||
		req.ProtoMajor == 2 && req.ProtoMinor == 0 && req.Method == "PRI" && req.RequestURI == "*"
}

func isH2Upgrade(r *http.Request) bool {
	return r.Method == "PRI" && len(r.Header) == 0 && r.URL.Path == "*" && r.Proto == "HTTP/2.0"
}

func numLeadingCRorLF(v []byte) (n int) {
	for _, b := range v {
		if b != '\r' && b != '\n' {
			break
		}
		n++
	}
	return n
}

// The errors net/http's server answers with a status of their own.
type statusError struct {
	code int
	text string
}

func (e statusError) Error() string { return http.StatusText(e.code) + ": " + e.text }

func badRequestError(e string) error { return statusError{http.StatusBadRequest, e} }

var errTooLarge = errors.New("http: request too large")

// answerReadError answers a request net/http's server would not serve,
// with its bytes, and closes the connection as it does.
func (c *conn) answerReadError(err error) {
	const errorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	var se statusError
	switch {
	case err == errTooLarge:
		const publicErr = "431 Request Header Fields Too Large"
		io.WriteString(c.Conn, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
		c.closeWriteAndWait()
		return
	case isUnsupportedTEError(err):
		// RFC 9112, section 6.1.
		code := http.StatusNotImplemented
		fmt.Fprintf(c.Conn, "HTTP/1.1 %d %s%sUnsupported transfer encoding", code, http.StatusText(code), errorHeaders)
	case isCommonNetReadError(err):
		// no reply
	case errors.As(err, &se):
		fmt.Fprintf(c.Conn, "HTTP/1.1 %d %s: %s%s%d %s: %s", se.code, http.StatusText(se.code), se.text, errorHeaders, se.code, http.StatusText(se.code), se.text)
	default:
		const publicErr = "400 Bad Request"
		io.WriteString(c.Conn, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
	}
	c.closeNow()
}

// isUnsupportedTEError reports whether err is net/http's
// *unsupportedTEError, an unexported type: by its name.
func isUnsupportedTEError(err error) bool {
	t := reflect.TypeOf(err)
	return t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "net/http" && t.Elem().Name() == "unsupportedTEError"
}

func isCommonNetReadError(err error) bool {
	if err == io.EOF {
		return true
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return true
	}
	if oe, ok := err.(*net.OpError); ok && oe.Op == "read" {
		return true
	}
	return false
}

// rstAvoidanceDelay is how long net/http's closeWriteAndWait waits after
// a half-close, so the client reads the final response before a reset.
const rstAvoidanceDelay = 500 * time.Millisecond

// closeWriteAndWait half-closes, waits, and closes, as net/http does
// after a response the client may still be sending into.
func (c *conn) closeWriteAndWait() {
	c.CloseWrite()
	time.Sleep(rstAvoidanceDelay)
	c.closeNow()
}

// requestBody is the Body of a request with one: net/http's body reader
// from readRequest, with net/http's server rules around it. A Read sends
// "100 Continue" first if the client expects it and no response has
// begun; reads after Close fail; Close reads at most 256 KiB of what is
// left, to find the end and keep the connection.
//
// Read and Close may be called from any goroutine (net/http's body
// allows a Close concurrent with a Read); mu serializes them.
type requestBody struct {
	w        *response
	src      io.ReadCloser // readRequest's body; its Close is never called (it would read to the end)
	chunked  bool
	closing  bool // the request asked to close: Close need not look for the end
	expect   bool // Expect: 100-continue
	mu       sync.Mutex
	remain   int64 // guarded by mu: Content-Length bytes not yet read
	sawEOF   bool  // guarded by mu
	closed   bool  // guarded by mu
	early    bool  // guarded by mu: Close gave up before the end
	watching bool  // guarded by mu: the loop watches for the client's close again
}

func (b *requestBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.expect {
		b.w.writeContinue()
	}
	return b.readLocked(p)
}

func (b *requestBody) readLocked(p []byte) (int, error) {
	n, err := b.src.Read(p)
	b.remain -= int64(n)
	if err == io.EOF && !b.sawEOF {
		b.sawEOF = true
		b.w.watch() // net/http's background read starts at the body's end
	}
	return n, err
}

// Close is net/http's body.Close for a server request.
func (b *requestBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	var err error
	switch {
	case b.sawEOF:
	case !b.chunked && b.closing:
		// No trailer, and the connection closes next: no point reading.
	case !b.chunked && b.remain > maxPostHandlerReadBytes:
		b.early = true
	default:
		var n int64
		n, err = io.CopyN(io.Discard, lockedBody{b}, maxPostHandlerReadBytes)
		if err == io.EOF {
			err = nil
		}
		if n == maxPostHandlerReadBytes {
			b.early = true
		}
	}
	b.closed = true
	return err
}

// state reports, for the end of a request, whether the body was closed,
// whether its end was seen, and how much of it is known to be left (-1
// if unknown).
func (b *requestBody) state() (closed, sawEOF, early bool, unread int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	unread = -1
	if !b.chunked {
		unread = b.remain
	}
	return b.closed, b.sawEOF, b.early, unread
}

type lockedBody struct{ b *requestBody }

func (l lockedBody) Read(p []byte) (int, error) { return l.b.readLocked(p) }

// MaxBytesReader is net/http's MaxBytesReader, except that past the
// limit it also marks this package's ResponseWriter, as net/http's marks
// its own: the response then says "Connection: close" and the connection
// closes. (net/http's own MaxBytesReader cannot reach this package's
// ResponseWriter; see COMPAT.md.)
func MaxBytesReader(w ResponseWriter, r io.ReadCloser, n int64) io.ReadCloser {
	rw, ok := w.(*response)
	if !ok {
		return http.MaxBytesReader(w, r, n)
	}
	if n < 0 {
		n = 0
	}
	return &maxBytesReader{w: rw, r: r, i: n, n: n}
}

// MaxBytesHandler is net/http's MaxBytesHandler, with this package's
// MaxBytesReader.
func MaxBytesHandler(h Handler, n int64) Handler {
	return http.HandlerFunc(func(w ResponseWriter, r *Request) {
		r2 := *r
		r2.Body = MaxBytesReader(w, r.Body, n)
		h.ServeHTTP(w, &r2)
	})
}

type maxBytesReader struct {
	w   *response
	r   io.ReadCloser
	i   int64 // the limit, for MaxBytesError
	n   int64 // bytes left
	err error // sticky
}

func (l *maxBytesReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p))-1 > l.n {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	if int64(n) <= l.n {
		l.n -= int64(n)
		l.err = err
		return n, err
	}
	n = int(l.n)
	l.n = 0
	l.w.requestTooLarge()
	l.err = &http.MaxBytesError{Limit: l.i}
	return n, l.err
}

func (l *maxBytesReader) Close() error { return l.r.Close() }

// stdMaxBytesReader is the type of net/http's own MaxBytesReader.
var stdMaxBytesReader = reflect.TypeOf(http.MaxBytesReader(nil, http.NoBody, 0))

var maxBytesErrorType = reflect.TypeOf((*http.MaxBytesError)(nil))

// noteStdMaxBytes marks the response as net/http's MaxBytesReader marks
// its own server's when the request's Body is net/http's MaxBytesReader
// (a handler that calls it directly, not through this package) and has
// hit its limit. That reader looks for an unexported method no type
// outside net/http can have, so this looks at its sticky error instead,
// whenever the response's header or its connection's fate is decided.
func (w *response) noteStdMaxBytes() {
	if w.requestBodyLimitHit || w.req.Body == nil {
		return
	}
	v := reflect.ValueOf(w.req.Body)
	if v.Type() != stdMaxBytesReader || v.IsNil() {
		return
	}
	err := v.Elem().FieldByName("err")
	if err.IsValid() && err.Kind() == reflect.Interface && !err.IsNil() && err.Elem().Type() == maxBytesErrorType {
		w.requestTooLarge()
	}
}
