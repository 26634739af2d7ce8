package loadgen

import (
	"bufio"
	"bytes"
	"io"
)

// response is what the generator needs from one HTTP/1.x response.
type response struct {
	status int
	// reuse reports whether the connection may carry another request: the
	// server did not ask to close it and the body was not delimited by EOF.
	reuse bool
}

// readResponse reads one response from br and discards its body. head says
// the request was HEAD, whose response has no body whatever its headers say.
// Informational responses (1xx other than 101) are skipped.
//
// It returns io.EOF only when the connection ended before the first byte of
// a response, errShortBody when it ended later, errProtocol when the bytes
// are not HTTP/1.x, and the connection's own error otherwise.
func readResponse(br *bufio.Reader, head bool) (response, error) {
	first := true
	for {
		r, bodyLen, chunked, err := readHead(br, first)
		if err != nil {
			return response{}, err
		}
		first = false
		if r.status >= 100 && r.status < 200 && r.status != 101 {
			continue
		}
		switch {
		case head || r.status == 204 || r.status == 304 || r.status < 200:
		case chunked:
			err = discardChunked(br)
		case bodyLen >= 0:
			err = discard(br, bodyLen)
		default:
			// No length: the body runs to EOF (RFC 9112 section 6.3 rule 8).
			_, err = io.Copy(io.Discard, br)
			r.reuse = false
		}
		return r, err
	}
}

// readHead reads a status line and the header fields. bodyLen is -1 when
// there is no Content-Length.
func readHead(br *bufio.Reader, first bool) (r response, bodyLen int64, chunked bool, err error) {
	line, err := readLineEOF(br)
	if err != nil {
		if err == io.EOF && !first {
			err = errShortBody
		}
		return r, 0, false, err
	}
	r, err = parseStatusLine(line)
	if err != nil {
		return r, 0, false, err
	}
	bodyLen = -1
	for {
		line, err = readLine(br)
		if err != nil {
			return r, 0, false, err
		}
		if len(line) == 0 {
			return r, bodyLen, chunked, nil
		}
		if err := headerField(line, &r, &bodyLen, &chunked); err != nil {
			return r, 0, false, err
		}
	}
}

// parseStatusLine parses "HTTP/1.1 200 OK". The response's reuse starts at
// the version's default: HTTP/1.1 keeps the connection unless told
// otherwise, HTTP/1.0 closes it unless told otherwise.
func parseStatusLine(line []byte) (response, error) {
	var r response
	// Version, space, three digits, then space or end.
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return r, errProtocol
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return r, errProtocol
		}
		r.status = r.status*10 + int(c-'0')
	}
	r.reuse = line[7] != '0'
	return r, nil
}

// headerField applies one header line to what the response says about its
// body and its connection. bodyLen is -1 until a Content-Length is seen.
func headerField(line []byte, r *response, bodyLen *int64, chunked *bool) error {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return errProtocol
	}
	name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, ok := parseDecimal(value)
		if !ok || (*bodyLen >= 0 && *bodyLen != n) {
			return errProtocol
		}
		*bodyLen = n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		// Chunked must be the last coding (RFC 9112 section 6.1).
		*chunked = hasLastToken(value, "chunked")
	case bytes.EqualFold(name, []byte("Connection")):
		if hasToken(value, "close") {
			r.reuse = false
		} else if hasToken(value, "keep-alive") {
			r.reuse = true
		}
	}
	return nil
}

// discardChunked reads a chunked body and its trailer section.
func discardChunked(br *bufio.Reader) error {
	for {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, ok := parseHex(bytes.TrimSpace(line))
		if !ok {
			return errProtocol
		}
		if size == 0 {
			for {
				line, err := readLine(br)
				if err != nil {
					return err
				}
				if len(line) == 0 {
					return nil
				}
			}
		}
		if err := discard(br, size); err != nil {
			return err
		}
		line, err = readLine(br)
		if err != nil {
			return err
		}
		if len(line) != 0 {
			return errProtocol
		}
	}
}

func discard(br *bufio.Reader, n int64) error {
	for n > 0 {
		step := int(min(n, 1<<30))
		d, err := br.Discard(step)
		n -= int64(d)
		if err != nil {
			if err == io.EOF {
				return errShortBody
			}
			return err
		}
	}
	return nil
}

// maxLineLen bounds a status, header or chunk-size line.
const maxLineLen = 64 << 10

// readLine returns one line without its CRLF (or bare LF). The slice is
// valid until the next read from br. EOF after some bytes of a line is
// errShortBody; a line longer than maxLineLen is errProtocol.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := readLineEOF(br)
	if err == io.EOF {
		err = errShortBody
	}
	return line, err
}

// readLineEOF is readLine, except that EOF before the first byte of the
// line is io.EOF: the only place where that is not a short response is the
// start of a response.
func readLineEOF(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer (a big cookie, say) is rare: copy
		// it together, up to a limit, rather than size every buffer for it.
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull && len(long) <= maxLineLen {
			line, err = br.ReadSlice('\n')
			long = append(long, line...)
		}
		if err == bufio.ErrBufferFull {
			return nil, errProtocol
		}
		line = long
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			return line, errShortBody
		}
		return line, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(c)
	}
	return n, true
}

// hasToken reports whether the comma-separated list v holds tok,
// compared without regard to case.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		var t []byte
		t, v, _ = bytes.Cut(v, []byte(","))
		if bytes.EqualFold(bytes.TrimSpace(t), []byte(tok)) {
			return true
		}
	}
	return false
}

// hasLastToken reports whether the last element of the comma-separated
// list v is tok, compared without regard to case.
func hasLastToken(v []byte, tok string) bool {
	if i := bytes.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return bytes.EqualFold(bytes.TrimSpace(v), []byte(tok))
}
