package http

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// chunkWriter sits between a response's 2 KiB body buffer and its
// connection buffer. Its first Write (or flush) finalizes and writes the
// header: a Content-Length when the handler finished within the buffer, a
// sniffed Content-Type, Date, Connection and chunking, by net/http's
// rules. In chunking mode it frames every write as a chunk.
type chunkWriter struct {
	res *response

	// header is nil, or a snapshot of the handler's map taken when the
	// header was logically written, which writeHeader may then edit.
	header http.Header

	wroteHeader bool // the header is in the connection buffer
	chunking    bool // set by writeHeader
}

func (cw *chunkWriter) Write(p []byte) (n int, err error) {
	if !cw.wroteHeader {
		cw.writeHeader(p)
	}
	w := cw.res
	if w.req.Method == "HEAD" {
		return len(p), nil // the body of a HEAD reply is dropped
	}
	if cw.chunking {
		if _, err = fmt.Fprintf(w.bufw, "%x\r\n", len(p)); err != nil {
			w.c.Conn.Close()
			return
		}
	}
	n, err = w.bufw.Write(p)
	if cw.chunking && err == nil {
		_, err = w.bufw.WriteString("\r\n")
	}
	if err != nil {
		w.c.Conn.Close()
	}
	return
}

func (cw *chunkWriter) flush() error {
	if !cw.wroteHeader {
		cw.writeHeader(nil)
	}
	return cw.res.bufw.Flush()
}

// close ends the body: the last chunk and the trailers when chunking.
func (cw *chunkWriter) close() {
	if !cw.wroteHeader {
		cw.writeHeader(nil)
	}
	if cw.chunking {
		bw := cw.res.bufw
		bw.WriteString("0\r\n")
		if trailers := cw.res.finalTrailers(); trailers != nil {
			trailers.Write(bw)
		}
		bw.WriteString("\r\n")
	}
}

// extraHeader holds the headers writeHeader adds; they go after the
// handler's, in this order, as net/http writes them.
type extraHeader struct {
	date             []byte
	contentLength    []byte
	contentType      string
	connection       string
	transferEncoding string
}

func (h *extraHeader) write(w *bufio.Writer) {
	if h.date != nil {
		w.WriteString("Date: ")
		w.Write(h.date)
		w.WriteString("\r\n")
	}
	if h.contentLength != nil {
		w.WriteString("Content-Length: ")
		w.Write(h.contentLength)
		w.WriteString("\r\n")
	}
	for _, kv := range [...][2]string{
		{"Content-Type", h.contentType},
		{"Connection", h.connection},
		{"Transfer-Encoding", h.transferEncoding},
	} {
		if kv[1] != "" {
			w.WriteString(kv[0])
			w.WriteString(": ")
			w.WriteString(kv[1])
			w.WriteString("\r\n")
		}
	}
}

// writeHeader finalizes the header and writes it to the connection
// buffer. p is the start of the body: sniffed for a Content-Type, and its
// length is the Content-Length if the handler has already returned.
func (cw *chunkWriter) writeHeader(p []byte) {
	if cw.wroteHeader {
		return
	}
	cw.wroteHeader = true
	w := cw.res
	keepAlivesEnabled := w.c.srv.keepAlives()
	isHEAD := w.req.Method == "HEAD"

	// header is cw.header (ours to edit) or the handler's map, which is
	// not: headers to drop from it are excluded when it is written.
	header := cw.header
	owned := header != nil
	if !owned {
		header = w.handlerHeader
	}
	var exclude map[string]bool
	// del's keys are canonical literals: Del's canonicalization would
	// change none of them.
	del := func(key string) {
		if owned {
			delete(header, key)
			return
		}
		if _, ok := header[key]; !ok {
			return
		}
		if exclude == nil {
			exclude = make(map[string]bool)
		}
		exclude[key] = true
	}
	var set extraHeader

	// "Trailer:" keys announce trailers; they are not headers.
	trailers := false
	for k := range cw.header {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			if exclude == nil {
				exclude = make(map[string]bool)
			}
			exclude[k] = true
			trailers = true
		}
	}
	for _, v := range cw.header["Trailer"] {
		trailers = true
		foreachHeaderElement(v, w.declareTrailer)
	}

	te := hget(header, "Transfer-Encoding")
	hasTE := te != ""

	// A handler that returned without declaring a length gets one, even
	// zero, so HTTP/1.0 keep-alive clients keep their connection; HEAD
	// replies get one only if the handler wrote something.
	if w.handlerDone.Load() && !trailers && !hasTE && bodyAllowedForStatus(w.status) && !hhas(header, "Content-Length") && (!isHEAD || len(p) > 0) {
		w.contentLength = int64(len(p))
		set.contentLength = strconv.AppendInt(w.bufs.clen[:0], int64(len(p)), 10)
	}

	if w.wants10KeepAlive && keepAlivesEnabled {
		if hget(header, "Content-Length") != "" && hget(header, "Connection") == "keep-alive" {
			w.closeAfterReply = false
		}
	}

	hasCL := w.contentLength != -1
	if w.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(w.status)) {
		if _, ok := header["Connection"]; !ok {
			set.connection = "keep-alive"
		}
	} else if !w.req.ProtoAtLeast(1, 1) || w.wantsClose {
		w.closeAfterReply = true
	}
	if hget(header, "Connection") == "close" || !keepAlivesEnabled {
		w.closeAfterReply = true
	}
	w.noteStdMaxBytes()
	if cw.unreadBodyTooBig() {
		w.requestTooLarge()
		del("Connection")
		set.connection = "close"
	}

	code := w.status
	if bodyAllowedForStatus(code) {
		_, haveType := header["Content-Type"]
		hasCE := hget(header, "Content-Encoding") != "" // an encoded body is not sniffed
		if !hasCE && !haveType && !hasTE && len(p) > 0 {
			set.contentType = http.DetectContentType(p)
		}
	} else {
		for _, k := range suppressedHeaders(code) {
			del(k)
		}
	}

	if !hhas(header, "Date") {
		set.date = appendDate(w.bufs.date[:0], time.Now())
	}

	if hasCL && hasTE && te != "identity" {
		w.c.srv.logf("http: WriteHeader called with both Transfer-Encoding of %q and a Content-Length of %d", te, w.contentLength)
		del("Content-Length")
		hasCL = false
	}

	switch {
	case isHEAD || !bodyAllowedForStatus(code) || code == http.StatusNoContent:
		del("Transfer-Encoding")
	case hasCL:
		del("Transfer-Encoding")
	case w.req.ProtoAtLeast(1, 1):
		if hasTE && te == "identity" {
			// Identity without a length: the body ends when the
			// connection does (Server-Sent Events may ask for this).
			cw.chunking = false
			w.closeAfterReply = true
			del("Transfer-Encoding")
		} else {
			cw.chunking = true
			set.transferEncoding = "chunked"
			if hasTE && te == "chunked" {
				del("Transfer-Encoding") // written by set
			}
		}
	default:
		// HTTP/1.0 cannot chunk: the body ends with the connection.
		w.closeAfterReply = true
		del("Transfer-Encoding")
	}
	if cw.chunking {
		del("Content-Length")
	}
	if !w.req.ProtoAtLeast(1, 0) {
		return
	}

	// Say "Connection: close" unless this is a successful protocol switch
	// (golang.org/issue/36381).
	if w.closeAfterReply && (!keepAlivesEnabled || !hasToken(hget(cw.header, "Connection"), "close")) && !isProtocolSwitch(w.status, header) {
		del("Connection")
		if w.req.ProtoAtLeast(1, 1) {
			set.connection = "close"
		}
	}

	writeStatusLine(w.bufw, w.req.ProtoAtLeast(1, 1), code, w.bufs.status[:])
	writeSubset(w.bufw, cw.header, exclude)
	set.write(w.bufw)
	w.bufw.WriteString("\r\n")
}

// unreadBodyTooBig applies net/http's rules for a request body the
// handler has not read to its end by the time the response begins: a
// client that expected 100-continue and did not get to send its body
// loses the connection; otherwise up to 256 KiB of the rest is read and
// dropped, so the connection can serve the next request, and a body
// larger than that closes it (true: with "Connection: close").
func (cw *chunkWriter) unreadBodyTooBig() bool {
	w := cw.res
	b := w.reqBody
	if b == nil {
		return false
	}
	current, _ := w.req.Body.(*requestBody)
	if current == b && b.expect {
		if _, sawEOF, _, _ := b.state(); !sawEOF {
			w.closeAfterReply = true
		}
	}
	if w.req.ContentLength == 0 || w.closeAfterReply || w.fullDuplex {
		return false
	}
	discard := true
	if current == b {
		closed, sawEOF, _, unread := b.state()
		switch {
		case b.expect:
			discard = false // its end was seen (above)
		case closed:
			discard = false
			if !sawEOF {
				w.closeAfterReply = true // closed with an error
			}
		case unread >= maxPostHandlerReadBytes:
			return true
		}
	}
	if !discard {
		return false
	}
	_, err := io.CopyN(io.Discard, b, maxPostHandlerReadBytes+1)
	switch err {
	case nil:
		return true // there is more still
	case http.ErrBodyReadAfterClose:
		if current == b {
			// Not closed by the handler (see above): net/http's body
			// closed itself on a bad trailer, and nothing after it may
			// be read as a request.
			w.closeAfterReply = true
		}
	case io.EOF:
		if b.Close() != nil {
			w.closeAfterReply = true
		}
	default:
		// A read timeout or a bad chunk: what is left on the wire must
		// not be read as another request.
		w.closeAfterReply = true
	}
	return false
}

// appendDate appends now as a Date header value. Responses in the same
// second share one formatting, through lastDate.
func appendDate(dst []byte, now time.Time) []byte {
	sec := now.Unix()
	d := lastDate.Load()
	if d == nil || d.sec != sec {
		d = &formattedDate{sec: sec}
		if b := now.UTC().AppendFormat(d.text[:0], http.TimeFormat); len(b) != len(d.text) {
			return append(dst, b...) // a year past 9999 does not fit
		}
		lastDate.Store(d)
	}
	return append(dst, d.text[:]...)
}

// formattedDate is a Unix second in http.TimeFormat; immutable.
type formattedDate struct {
	sec  int64
	text [len(http.TimeFormat)]byte
}

var lastDate atomic.Pointer[formattedDate]

// writeStatusLine writes "HTTP/1.x code text\r\n".
func writeStatusLine(bw *bufio.Writer, is11 bool, code int, scratch []byte) {
	if is11 {
		bw.WriteString("HTTP/1.1 ")
	} else {
		bw.WriteString("HTTP/1.0 ")
	}
	if text := http.StatusText(code); text != "" {
		bw.Write(strconv.AppendInt(scratch[:0], int64(code), 10))
		bw.WriteByte(' ')
		bw.WriteString(text)
		bw.WriteString("\r\n")
	} else {
		fmt.Fprintf(bw, "%03d status code %d\r\n", code, code)
	}
}

// bodyAllowedForStatus reports whether a response with this status may
// have a body (RFC 9110, sections 15.2, 15.3.5 and 15.4.5).
func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == 204, status == 304:
		return false
	}
	return true
}

var excludedHeadersNoBody = map[string]bool{"Content-Length": true, "Transfer-Encoding": true}

// suppressedHeaders lists the headers a bodiless status must not send.
func suppressedHeaders(status int) []string {
	switch {
	case status == 304:
		return []string{"Content-Type", "Content-Length", "Transfer-Encoding"}
	case !bodyAllowedForStatus(status):
		return []string{"Content-Length", "Transfer-Encoding"}
	}
	return nil
}

func isProtocolSwitch(code int, h http.Header) bool {
	return code == http.StatusSwitchingProtocols && h.Get("Upgrade") != "" && httpguts.HeaderValuesContainsToken(h["Connection"], "Upgrade")
}

// foreachHeaderElement calls fn for each non-empty element of the
// comma-separated list v.
func foreachHeaderElement(v string, fn func(string)) {
	for _, f := range strings.Split(v, ",") {
		if f = textproto.TrimString(f); f != "" {
			fn(f)
		}
	}
}

// writeSubset writes h but the keys in exclude, as h.WriteSubset does.
// A header of one key (the common response: a Content-Type) is written
// here, without WriteSubset's pooled sorter: the same bytes, as long as
// no value holds a CR or LF, which WriteSubset turns into spaces.
func writeSubset(w *bufio.Writer, h http.Header, exclude map[string]bool) {
	if len(h) != 1 {
		h.WriteSubset(w, exclude)
		return
	}
	for k, vv := range h {
		if exclude[k] || !httpguts.ValidHeaderFieldName(k) {
			return
		}
		for _, v := range vv {
			if strings.ContainsAny(v, "\r\n") {
				h.WriteSubset(w, exclude)
				return
			}
		}
		for _, v := range vv {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(textproto.TrimString(v))
			w.WriteString("\r\n")
		}
	}
}

// hget and hhas look a key up exactly, without canonicalizing it, as
// net/http does for the keys it sets itself.
func hget(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func hhas(h http.Header, key string) bool {
	_, ok := h[key]
	return ok
}

// hasToken reports whether token appears in v as a word of its own,
// ASCII case-insensitively; words are separated by spaces, tabs or
// commas. net/http matches Connection tokens this way, which is looser
// than RFC 9110's list syntax; doing the same keeps our answers its.
func hasToken(v, token string) bool {
	if len(token) > len(v) || token == "" {
		return false
	}
	if v == token {
		return true
	}
	boundary := func(b byte) bool { return b == ' ' || b == ',' || b == '\t' }
	for sp := 0; sp+len(token) <= len(v); sp++ {
		if sp > 0 && !boundary(v[sp-1]) {
			continue
		}
		if end := sp + len(token); end != len(v) && !boundary(v[end]) {
			continue
		}
		if asciiEqualFold(v[sp:sp+len(token)], token) {
			return true
		}
	}
	return false
}

// asciiEqualFold is strings.EqualFold for ASCII only: "K" (Kelvin) does
// not match "k".
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
