package loadgen

import (
	"bytes"
	"io"
)

// parser reads one HTTP/1.x response from the pieces that non-blocking
// reads deliver, for the epoll engine. It accepts what readResponse
// accepts and fails as it does: both share parseStatusLine and
// headerField. It parses in place: only a line split across two reads is
// copied, into line; bodies are counted, never copied.
//
// A parser belongs to one connection and is used by its engine thread only.
type parser struct {
	head bool // the request was HEAD: no body, whatever the headers say

	state   parseState
	r       response
	bodyLen int64 // -1 without a Content-Length
	chunked bool
	remain  int64  // bytes left in a Content-Length body or in a chunk
	interim bool   // a 1xx response was skipped: EOF now is a short response
	line    []byte // the start of a line that the last read split
}

type parseState uint8

const (
	inStatus    parseState = iota // the status line
	inHeaders                     // the header fields
	inBody                        // a Content-Length body: remain bytes to go
	inToEOF                       // a body without a length: it ends at EOF
	inChunkSize                   // a chunk-size line
	inChunk                       // chunk data: remain bytes to go
	inChunkEnd                    // the CRLF after chunk data
	inTrailers                    // the trailer section after the last chunk
)

// reset prepares p for the response to a new request.
func (p *parser) reset(head bool) {
	*p = parser{head: head, line: p.line[:0]}
}

// feed parses b, the next bytes from the connection. It returns how many
// of them belong to the response and done once the response is complete;
// the bytes after n then belong to whatever follows it.
func (p *parser) feed(b []byte) (n int, done bool, err error) {
	for n < len(b) {
		switch p.state {
		case inBody, inChunk:
			k := int(min(int64(len(b)-n), p.remain))
			n += k
			p.remain -= int64(k)
			if p.remain > 0 {
				return n, false, nil
			}
			if p.state == inBody {
				return n, true, nil
			}
			p.state = inChunkEnd
			continue
		case inToEOF:
			return len(b), false, nil
		}
		line, used, err := p.nextLine(b[n:])
		n += used
		if err != nil || line == nil {
			return n, false, err
		}
		if done, err := p.lineDone(line); done || err != nil {
			return n, done, err
		}
	}
	return n, false, nil
}

// eof reports the end of the connection's bytes: done when the response
// was one whose body runs to EOF, io.EOF when no byte of a response came
// (as readResponse), errShortBody when the response was cut short.
func (p *parser) eof() (done bool, err error) {
	switch {
	case p.state == inToEOF:
		return true, nil
	case p.state == inStatus && len(p.line) == 0 && !p.interim:
		return false, io.EOF
	}
	return false, errShortBody
}

// nextLine returns the next line of b without its CRLF (or bare LF) and
// how many bytes of b it used. line is nil, with used == len(b), when b
// ends inside the line; the part is kept for the next call. A line longer
// than maxLineLen is errProtocol.
func (p *parser) nextLine(b []byte) (line []byte, used int, err error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(p.line)+len(b) > maxLineLen {
			return nil, len(b), errProtocol
		}
		p.line = append(p.line, b...)
		return nil, len(b), nil
	}
	line = b[:i]
	if len(p.line) > 0 {
		// The line's storage stays valid until the next append to p.line,
		// which no caller makes before it is done with the line.
		line = append(p.line, line...)
		p.line = p.line[:0]
	}
	if len(line) > maxLineLen {
		return nil, i + 1, errProtocol
	}
	if k := len(line); k > 0 && line[k-1] == '\r' {
		line = line[:k-1]
	}
	return line, i + 1, nil
}

// lineDone handles one complete line and reports whether it completed the
// response.
func (p *parser) lineDone(line []byte) (bool, error) {
	switch p.state {
	case inStatus:
		r, err := parseStatusLine(line)
		if err != nil {
			return false, err
		}
		p.r, p.bodyLen, p.chunked, p.state = r, -1, false, inHeaders
	case inHeaders:
		if len(line) == 0 {
			return p.headersDone(), nil
		}
		return false, headerField(line, &p.r, &p.bodyLen, &p.chunked)
	case inChunkSize:
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, ok := parseHex(bytes.TrimSpace(line))
		switch {
		case !ok:
			return false, errProtocol
		case size == 0:
			p.state = inTrailers
		default:
			p.remain, p.state = size, inChunk
		}
	case inChunkEnd:
		if len(line) != 0 {
			return false, errProtocol
		}
		p.state = inChunkSize
	case inTrailers:
		return len(line) == 0, nil
	}
	return false, nil
}

// headersDone decides, at the end of the header section, how the body is
// delimited, as readResponse does, and reports whether the response is
// already complete.
func (p *parser) headersDone() bool {
	s := p.r.status
	switch {
	case s >= 100 && s < 200 && s != 101:
		p.interim, p.state = true, inStatus // skip an informational response
		return false
	case p.head || s == 204 || s == 304 || s < 200:
		return true
	case p.chunked:
		p.state = inChunkSize
	case p.bodyLen == 0:
		return true
	case p.bodyLen > 0:
		p.remain, p.state = p.bodyLen, inBody
	default:
		p.r.reuse = false // no length: the body runs to EOF
		p.state = inToEOF
	}
	return false
}
