package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// Kind classifies a failed request.
type Kind int

const (
	// Refused: the dial failed with ECONNREFUSED.
	Refused Kind = iota
	// Reset: the peer reset the connection (ECONNRESET, EPIPE).
	Reset
	// Timeout: the dial or the request did not finish within Config.Timeout.
	Timeout
	// NoPort: no free local address or port (EADDRNOTAVAIL, EADDRINUSE).
	NoPort
	// NoFile: the process ran out of file descriptors (EMFILE, ENFILE).
	NoFile
	// Closed: the server closed the connection cleanly before sending a
	// status line.
	Closed
	// ShortBody: the connection ended inside the response headers or body.
	ShortBody
	// BadStatus: a complete response whose status code is 400 or more, as
	// wrk counts them; unlike the other kinds it never stops a run.
	BadStatus
	// Protocol: the response was not HTTP/1.x as this client parses it.
	Protocol
	// Other: any other error.
	Other

	numKinds
)

var kindNames = [numKinds]string{
	Refused:   "refused",
	Reset:     "reset",
	Timeout:   "timeout",
	NoPort:    "no_free_port",
	NoFile:    "no_free_file",
	Closed:    "closed",
	ShortBody: "short_body",
	BadStatus: "bad_status",
	Protocol:  "protocol",
	Other:     "other",
}

// Kinds returns every Kind, in the order of their constants.
func Kinds() []Kind {
	ks := make([]Kind, numKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// String returns the kind's name as it appears in the JSON report.
func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// errShortBody and errProtocol are the parser's own conditions. They never
// leave the package: Classify turns them into a Kind.
var (
	errShortBody = errors.New("connection closed inside the response")
	errProtocol  = errors.New("malformed HTTP/1.x response")
)

// Classify returns the kind of a request error.
func Classify(err error) Kind {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return Reset
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return Timeout
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EADDRINUSE):
		return NoPort
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return NoFile
	case errors.Is(err, io.EOF):
		return Closed
	case errors.Is(err, errShortBody), errors.Is(err, io.ErrUnexpectedEOF):
		return ShortBody
	case errors.Is(err, errProtocol):
		return Protocol
	}
	return Other
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
