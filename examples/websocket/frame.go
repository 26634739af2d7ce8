package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
)

// The subset of RFC 6455 that an echo server needs: the accept key of the
// opening handshake (section 4.2.2), and reading and writing unfragmented
// frames (section 5.2).

// Opcodes, RFC 6455 section 5.2.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// Close status codes, RFC 6455 section 7.4.1.
const (
	closeProtocolError   = 1002
	closeUnsupportedData = 1003
	closeInvalidPayload  = 1007
	closeTooBig          = 1009
)

// acceptGUID is the fixed GUID that RFC 6455 section 1.3 appends to the
// client's key.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// acceptKey returns the Sec-WebSocket-Accept value for a client's
// Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// frame is one decoded WebSocket frame.
type frame struct {
	fin     bool
	op      byte
	payload []byte // unmasked
}

// protocolError is a violation of RFC 6455 by the peer; code is the close
// status to answer it with.
type protocolError struct {
	code   uint16
	reason string
}

func (e *protocolError) Error() string { return "websocket: " + e.reason }

// readFrame reads one frame sent by a client. Client frames must be masked
// (section 5.1); control frames must be final and carry at most 125 bytes
// (section 5.5). A payload longer than limit is refused before it is read.
func readFrame(r *bufio.Reader, limit int64) (frame, error) {
	var head [2]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return frame{}, err
	}
	f := frame{fin: head[0]&0x80 != 0, op: head[0] & 0x0F}
	if head[0]&0x70 != 0 {
		return frame{}, &protocolError{closeProtocolError, "reserved bits set without an extension"}
	}
	if head[1]&0x80 == 0 {
		return frame{}, &protocolError{closeProtocolError, "unmasked client frame"}
	}
	n := uint64(head[1] & 0x7F)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return frame{}, unexpected(err)
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return frame{}, unexpected(err)
		}
		n = binary.BigEndian.Uint64(ext[:])
	}
	if f.op >= opClose && (n > 125 || !f.fin) {
		return frame{}, &protocolError{closeProtocolError, "fragmented or oversized control frame"}
	}
	if n > uint64(limit) {
		return frame{}, &protocolError{closeTooBig, "message larger than the limit"}
	}
	var mask [4]byte
	if _, err := io.ReadFull(r, mask[:]); err != nil {
		return frame{}, unexpected(err)
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.payload); err != nil {
		return frame{}, unexpected(err)
	}
	for i := range f.payload {
		f.payload[i] ^= mask[i%4]
	}
	return f, nil
}

// unexpected turns an EOF inside a frame into io.ErrUnexpectedEOF: only an
// EOF between frames is a clean end.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// writeFrame writes one final, unmasked frame (servers do not mask,
// section 5.1) and flushes it.
func writeFrame(w *bufio.Writer, op byte, payload []byte) error {
	w.WriteByte(0x80 | op)
	switch n := len(payload); {
	case n <= 125:
		w.WriteByte(byte(n))
	case n <= 0xFFFF:
		w.WriteByte(126)
		w.Write(binary.BigEndian.AppendUint16(nil, uint16(n)))
	default:
		w.WriteByte(127)
		w.Write(binary.BigEndian.AppendUint64(nil, uint64(n)))
	}
	w.Write(payload)
	return w.Flush()
}

// closePayload is the body of a close frame: the status code, then a
// reason of at most 123 bytes.
func closePayload(code uint16, reason string) []byte {
	if len(reason) > 123 {
		reason = reason[:123]
	}
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}
