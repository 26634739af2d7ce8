//go:build !unix

package shimtest

import (
	"errors"
	"testing"
)

var errNoSockopt = errors.New("shimtest: socket options are read back on unix only")

func getsockoptInt(fd, level, opt int) (int, error) { return 0, errNoSockopt }
func sockoptTCPNoDelay() sockopt                    { return sockopt{} }
func sockoptKeepAlive() sockopt                     { return sockopt{} }
func unixRights(fd int) []byte                      { return nil }

func parseUnixRights(t *testing.T, oob []byte) []int {
	t.Skip("descriptor passing is unix-only")
	return nil
}

var errAgain = errors.New("shimtest: no raw I/O on this platform")

func rawRead(fd uintptr, b []byte) (int, error)  { return 0, errNoSockopt }
func rawWrite(fd uintptr, b []byte) (int, error) { return 0, errNoSockopt }
