package http

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// response is the ResponseWriter of a request served on the fast path
// (see fast.go). Its output is net/http's byte for byte: the same two
// buffers (2 KiB before the header is final, so that a short body gets a
// Content-Length; 4 KiB in front of the socket), the same header
// finalization and the same chunking, checked by shimtest's differential
// cases and FuzzServe.
//
// A response is used by the goroutine that runs the handler, like
// net/http's: its methods are not safe for concurrent use, except that
// the loop may cancel the request and fire CloseNotify when the client
// goes away (closeNotify and ctx are safe for that).
type response struct {
	c      *conn
	req    *http.Request
	cancel context.CancelFunc // the request context's; called when the handler returns or the client goes away

	handlerHeader http.Header // the map the handler gets from Header
	calledHeader  bool        // the handler called Header
	wroteHeader   bool        // a non-1xx status has been (logically) written
	status        int
	contentLength int64 // declared by the handler's Content-Length header, or -1
	written       int64 // body bytes the handler wrote

	wants10KeepAlive bool // HTTP/1.0 with "Connection: keep-alive"
	wantsClose       bool // the request asked to close
	closeAfterReply  bool
	hijacked         bool
	handlerDone      atomic.Bool

	// The request's body, for a request net/http's parser read (nil
	// without one), and that parser's reader, whose buffer holds what
	// follows the request (nil for the fast parser's requests).
	reqBody             *requestBody
	br                  *bufio.Reader
	canWriteContinue    atomic.Bool // a body Read may still send "100 Continue"
	writeContinueMu     sync.Mutex
	fullDuplex          bool        // EnableFullDuplex: leave an unread body alone
	requestBodyLimitHit bool        // MaxBytesReader's limit was hit
	readTimer           *time.Timer // SetReadDeadline's: cancels the request as net/http's background read would
	watching            atomic.Bool // no body is left to read: the client's hang-up cancels the request

	w    *bufio.Writer // 2 KiB in front of cw, as net/http's bufferBeforeChunkingSize
	cw   chunkWriter
	bufw *bufio.Writer // 4 KiB in front of the connection
	werr error         // the first error writing to the connection

	trailers []string      // declared by the Trailer header when the header is written
	bufs     *responseBufs // w's and bufw's pooled home, and the header snapshot's storage; nil once released
	snapped  bool          // bufs.snap holds a snapshot

	notifyMu  sync.Mutex
	notifyCh  chan bool // made by CloseNotify
	notifyHit bool      // the client has gone
}

const bufferBeforeChunkingSize = 2048 // net/http's: large enough to sniff a Content-Type

// errorWriter writes to the connection and keeps the first error, as
// net/http's checkConnErrorWriter does.
type errorWriter struct{ r *response }

func (e errorWriter) Write(p []byte) (int, error) {
	n, err := e.r.c.Conn.Write(p)
	if err != nil && e.r.werr == nil {
		e.r.werr = err
		e.r.cancel() // as net/http's checkConnErrorWriter
	}
	return n, err
}

// responseBufs is what a response borrows for its life, from one pool
// in one piece (a pool round trip per request rather than one per
// buffer): its two writers and the storage of its header snapshot. None
// of it is ever handed to the handler.
type responseBufs struct {
	w    *bufio.Writer // bufferBeforeChunkingSize
	bufw *bufio.Writer // 4 KiB
	snap headerSnapshot

	// Scratch for the values that writeHeader formats. They live here
	// rather than in the response, whose size (one allocation per
	// request) they would take from the 240-byte size class to 288.
	date   [len(http.TimeFormat)]byte
	clen   [20]byte
	status [3]byte
}

var responseBufPool = sync.Pool{New: func() any {
	return &responseBufs{
		w:    bufio.NewWriterSize(nil, bufferBeforeChunkingSize),
		bufw: bufio.NewWriterSize(nil, 4<<10),
	}
}}

func newResponse(c *conn, req *http.Request, cancel context.CancelFunc) *response {
	w := &response{
		c:                c,
		req:              req,
		cancel:           cancel,
		handlerHeader:    make(http.Header),
		contentLength:    -1,
		wants10KeepAlive: req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasToken(hget(req.Header, "Connection"), "keep-alive"),
		wantsClose:       req.Close || hasToken(hget(req.Header, "Connection"), "close"),
	}
	w.cw.res = w
	w.bufs = responseBufPool.Get().(*responseBufs)
	w.w, w.bufw = w.bufs.w, w.bufs.bufw
	w.w.Reset(&w.cw)
	w.bufw.Reset(errorWriter{w})
	return w
}

// release returns the buffers to their pools; the response is done.
func (w *response) release() {
	if w.readTimer != nil {
		w.readTimer.Stop()
	}
	b := w.bufs
	if b == nil {
		return
	}
	if w.snapped {
		b.snap.release()
		w.snapped = false
		w.cw.header = nil
	}
	b.w.Reset(nil)
	b.bufw.Reset(nil)
	w.w, w.bufw, w.bufs = nil, nil, nil
	responseBufPool.Put(b)
}

// Header returns the header map that WriteHeader sends.
func (w *response) Header() http.Header {
	if w.cw.header == nil && w.wroteHeader && !w.cw.wroteHeader {
		// Between the logical and the physical write of the header, the
		// handler may still change its map: snapshot what was written.
		w.cw.header = w.snapshot()
	}
	w.calledHeader = true
	return w.handlerHeader
}

// WriteHeader sends the status code, or, for 1xx codes other than 101,
// an informational response at once.
func (w *response) WriteHeader(code int) {
	if w.hijacked {
		w.logCaller("http: response.WriteHeader on hijacked connection from %s (%s:%d)")
		return
	}
	if w.wroteHeader {
		w.logCaller("http: superfluous response.WriteHeader call from %s (%s:%d)")
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 101 || code > 199 {
		// Sending a 100 Continue or any non-1xx header disables the
		// automatically-sent 100 Continue from Request.Body.Read. Only
		// a request that expects one ever sets canWriteContinue, and a
		// writeContinue stores false only after its write: a false load
		// needs no lock (net/http's write checks it the same way).
		if w.canWriteContinue.Load() {
			w.disableWriteContinue()
		}
	}
	w.noteStdMaxBytes()
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		writeStatusLine(w.bufw, w.req.ProtoAtLeast(1, 1), code, w.bufs.status[:])
		w.handlerHeader.WriteSubset(w.bufw, excludedHeadersNoBody)
		w.bufw.WriteString("\r\n")
		w.bufw.Flush()
		return
	}
	w.wroteHeader = true
	w.status = code
	if w.calledHeader && w.cw.header == nil {
		w.cw.header = w.snapshot()
	}
	if cl := hget(w.handlerHeader, "Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.contentLength = v
		} else {
			w.c.srv.logf("http: invalid Content-Length of %q", cl)
			w.handlerHeader.Del("Content-Length")
		}
	}
}

// snapshot copies the handler's header map, as net/http's Clone does
// at the same points, into pooled storage: the copy is the response's
// own, never the handler's.
func (w *response) snapshot() http.Header {
	if w.bufs == nil {
		return w.handlerHeader.Clone() // released (hijacked): nothing to borrow
	}
	w.snapped = true
	return w.bufs.snap.copy(w.handlerHeader)
}

// headerSnapshot is a header map and the value slices it points into,
// reused from response to response (in a responseBufs).
type headerSnapshot struct {
	h    http.Header // nil until first used, and after one too large to keep
	vals []string
}

// maxPooledHeaderKeys bounds what a pooled snapshot keeps: one large
// header should not pin its size for the life of the process.
const maxPooledHeaderKeys = 64

// copy makes s a copy of h, as h.Clone would, and returns it.
func (s *headerSnapshot) copy(h http.Header) http.Header {
	if s.h == nil {
		s.h = make(http.Header)
	}
	n := 0
	for _, vv := range h {
		n += len(vv)
	}
	if cap(s.vals) < n {
		s.vals = make([]string, n)
	}
	vals := s.vals[:n]
	for k, vv := range h {
		if vv == nil {
			s.h[k] = nil // Clone keeps nil apart from empty
			continue
		}
		m := copy(vals, vv)
		s.h[k] = vals[:m:m]
		vals = vals[m:]
	}
	return s.h
}

// release empties s for the next response, or drops its storage if it
// grew too large to keep.
func (s *headerSnapshot) release() {
	if len(s.h) > maxPooledHeaderKeys || cap(s.vals) > maxPooledHeaderKeys {
		s.h, s.vals = nil, nil
		return
	}
	clear(s.h)
	clear(s.vals)
}

// logCaller logs format with the handler's frame that called into us.
func (w *response) logCaller(format string) {
	pc := make([]uintptr, 16)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	var frame runtime.Frame
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/evshim/evshim/compat/http.") {
			frame = f
			break
		}
		if !more {
			break
		}
	}
	w.c.srv.logf(format, frame.Function, path.Base(frame.File), frame.Line)
}

func (w *response) Write(data []byte) (int, error) { return w.write(len(data), data, "") }

func (w *response) WriteString(data string) (int, error) { return w.write(len(data), nil, data) }

func (w *response) write(n int, b []byte, s string) (int, error) {
	if w.hijacked {
		if n > 0 {
			w.logCaller("http: response.Write on hijacked connection from %s (%s:%d)")
		}
		return 0, http.ErrHijacked
	}
	if w.canWriteContinue.Load() {
		w.disableWriteContinue() // the body reader has not sent it: now it must not
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return 0, nil
	}
	if !bodyAllowedForStatus(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(n)
	if w.contentLength != -1 && w.written > w.contentLength {
		return 0, http.ErrContentLength
	}
	if b != nil {
		return w.w.Write(b)
	}
	return w.w.WriteString(s)
}

// ReadFrom copies src into the body as net/http's does, so that the
// response on the wire is the same: the first 512 bytes go through the
// buffers (to sniff a Content-Type), then the header is flushed and, unless
// the body is chunked, the rest goes to the connection's own ReadFrom
// (compat/net's TCPConn's), as net/http hands it to *net.TCPConn's.
func (w *response) ReadFrom(src io.Reader) (int64, error) {
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	rf, ok := w.c.Conn.(io.ReaderFrom)
	if !ok {
		return io.CopyBuffer(writerOnly{w}, src, *buf)
	}
	var n int64
	if !w.cw.wroteHeader {
		n0, err := io.CopyBuffer(writerOnly{w}, io.LimitReader(src, sniffLen), *buf)
		n += n0
		if err != nil || n0 < sniffLen {
			return n, err
		}
	}
	w.w.Flush()
	w.cw.flush()
	if !w.cw.chunking && bodyAllowedForStatus(w.status) && w.req.Method != "HEAD" {
		n0, err := rf.ReadFrom(src)
		n += n0
		w.written += n0
		return n, err
	}
	n0, err := io.CopyBuffer(writerOnly{w}, src, *buf)
	return n + n0, err
}

const sniffLen = 512

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writerOnly hides a writer's ReadFrom from io.CopyBuffer.
type writerOnly struct{ io.Writer }

func (w *response) Flush() { w.FlushError() }

// FlushError sends the header and any buffered body to the client.
func (w *response) FlushError() error {
	if w.hijacked {
		return http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	err := w.w.Flush()
	if e2 := w.cw.flush(); err == nil {
		err = e2
	}
	return err
}

// SetReadDeadline, SetWriteDeadline and EnableFullDuplex serve
// ResponseController. Once the request has no body left to read,
// net/http's background read is what a read deadline stops, and that
// cancels the request: a timer does the same here.
func (w *response) SetReadDeadline(t time.Time) error {
	if w.readTimer != nil {
		w.readTimer.Stop()
		w.readTimer = nil
	}
	if !t.IsZero() && !w.bodyRemains() {
		w.readTimer = time.AfterFunc(time.Until(t), w.clientGone)
	}
	return w.c.SetReadDeadline(t)
}

func (w *response) SetWriteDeadline(t time.Time) error { return w.c.SetWriteDeadline(t) }

// EnableFullDuplex has the server leave an unread request body alone
// when the response begins.
func (w *response) EnableFullDuplex() error {
	w.fullDuplex = true
	return nil
}

// watch is called when the body reaches its end, from the goroutine
// reading it: as net/http's background read would, a client already gone
// cancels the request, and from now on the loop's callback (if it is on)
// does.
func (w *response) watch() {
	w.watching.Store(true)
	if w.c.quietSinceDispatch() {
		return
	}
	if w.c.fd.PeekClosed() {
		w.clientGone()
	}
}

// bodyRemains reports whether the request has body bytes not yet read.
func (w *response) bodyRemains() bool {
	if w.reqBody == nil {
		return false
	}
	_, sawEOF, _, _ := w.reqBody.state()
	return !sawEOF
}

// writeContinue sends "100 Continue" once, for the first Read of a body
// whose client expects it, unless a response has begun.
func (w *response) writeContinue() {
	if !w.canWriteContinue.Load() {
		return
	}
	w.writeContinueMu.Lock()
	if w.canWriteContinue.Load() {
		w.bufw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		w.bufw.Flush()
		w.canWriteContinue.Store(false)
	}
	w.writeContinueMu.Unlock()
}

// disableWriteContinue stops a body Read from sending "100 Continue",
// waiting for one being written.
func (w *response) disableWriteContinue() {
	w.writeContinueMu.Lock()
	w.canWriteContinue.Store(false)
	w.writeContinueMu.Unlock()
}

// requestTooLarge is MaxBytesReader's mark: the connection closes after
// this response.
func (w *response) requestTooLarge() {
	w.closeAfterReply = true
	w.requestBodyLimitHit = true
	if !w.wroteHeader {
		w.Header().Set("Connection", "close")
	}
}

// sendExpectationFailed answers an Expect other than 100-continue, as
// net/http does (RFC 9110, section 10.1.1).
func (w *response) sendExpectationFailed() {
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusExpectationFailed)
	w.finishRequest()
}

// closedRequestBodyEarly reports whether the body's Close gave up before
// its end.
func (w *response) closedRequestBodyEarly() bool {
	if w.reqBody == nil {
		return false
	}
	_, _, early, _ := w.reqBody.state()
	return early
}

// Hijack gives the connection to the handler. The connection leaves the
// loop's hand: it becomes a blocking compat/net connection, and the
// returned reader holds any bytes the client sent after this request.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.handlerDone.Load() {
		panic("net/http: Hijack called after ServeHTTP finished")
	}
	if w.hijacked {
		// net/http flushes its (empty) buffer and answers so.
		return nil, nil, http.ErrHijacked
	}
	w.disableWriteContinue()
	if w.wroteHeader {
		w.cw.flush()
	}
	w.hijacked = true
	c := w.c
	c.hijack()
	if w.br != nil {
		// The reader net/http's parser read the request from: it holds
		// what follows, and reads on from the socket.
		rw := bufio.NewReadWriter(w.br, bufio.NewWriter(c))
		w.release()
		c.reportState(StateHijacked)
		return c.Conn, rw, nil
	}
	// The bytes after the request, then the socket, through the
	// connection's reader: a failed read cancels the request, as in
	// net/http.
	if c.r == nil || !c.r.on {
		c.startReader(noLimit)
	}
	rest := len(c.r.seed)
	br := bufio.NewReaderSize(c.r, max(4096, rest))
	if rest > 0 {
		// Fill the reader with exactly the bytes already read, so that
		// Buffered reports them, as net/http's reader would.
		if _, err := br.Peek(rest); err != nil {
			return nil, nil, fmt.Errorf("unexpected Peek failure reading buffered bytes: %v", err)
		}
	}
	rw := bufio.NewReadWriter(br, bufio.NewWriter(c))
	w.release()
	c.reportState(StateHijacked)
	return c.Conn, rw, nil
}

// CloseNotify returns a channel that receives true when the client goes
// away.
//
// Deprecated: as net/http's; use the request's context.
func (w *response) CloseNotify() <-chan bool {
	w.notifyMu.Lock()
	defer w.notifyMu.Unlock()
	if w.handlerDone.Load() {
		panic("net/http: CloseNotify called after ServeHTTP finished")
	}
	if w.notifyCh == nil {
		w.notifyCh = make(chan bool, 1)
		if w.notifyHit {
			w.notifyCh <- true
		}
	}
	return w.notifyCh
}

// clientGone cancels the request and fires CloseNotify. It may run on the
// loop: it never blocks.
func (w *response) clientGone() {
	w.cancel()
	w.notifyMu.Lock()
	defer w.notifyMu.Unlock()
	if w.notifyHit {
		return
	}
	w.notifyHit = true
	if w.notifyCh != nil {
		w.notifyCh <- true
	}
}

// finishRequest completes the response once the handler has returned.
func (w *response) finishRequest() {
	w.handlerDone.Store(true)
	w.noteStdMaxBytes()
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.w.Flush()
	w.cw.close()
	w.bufw.Flush()
	if w.reqBody != nil {
		// Close the body whatever comes next, as net/http does: it reads
		// up to 256 KiB of what is left, to find the end.
		w.reqBody.Close()
	}
	if w.req.MultipartForm != nil {
		w.req.MultipartForm.RemoveAll()
	}
}

// shouldReuseConnection reports whether the connection can serve another
// request; call it after finishRequest.
func (w *response) shouldReuseConnection() bool {
	switch {
	case w.closeAfterReply:
		return false
	case w.req.Method != "HEAD" && w.contentLength != -1 && bodyAllowedForStatus(w.status) && w.contentLength != w.written:
		return false // short body: the client would fall out of step
	case w.werr != nil:
		return false
	case w.closedRequestBodyEarly():
		return false
	}
	return true
}

// finalTrailers returns the trailers the handler set, or nil.
func (w *response) finalTrailers() http.Header {
	var t http.Header
	for k, vv := range w.handlerHeader {
		if kk, found := strings.CutPrefix(k, http.TrailerPrefix); found {
			if t == nil {
				t = make(http.Header)
			}
			t[kk] = vv
		}
	}
	for _, k := range w.trailers {
		if t == nil {
			t = make(http.Header)
		}
		for _, v := range w.handlerHeader[k] {
			t.Add(k, v)
		}
	}
	return t
}

func (w *response) declareTrailer(k string) {
	k = http.CanonicalHeaderKey(k)
	if !httpguts.ValidTrailerHeader(k) {
		return // forbidden in trailers (RFC 9110, section 6.5.1)
	}
	w.trailers = append(w.trailers, k)
}
