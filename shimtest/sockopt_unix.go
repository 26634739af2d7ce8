//go:build unix

package shimtest

import (
	"testing"

	"golang.org/x/sys/unix"
)

func getsockoptInt(fd, level, opt int) (int, error) { return unix.GetsockoptInt(fd, level, opt) }

func sockoptTCPNoDelay() sockopt { return sockopt{unix.IPPROTO_TCP, unix.TCP_NODELAY} }
func sockoptKeepAlive() sockopt  { return sockopt{unix.SOL_SOCKET, unix.SO_KEEPALIVE} }

func unixRights(fd int) []byte { return unix.UnixRights(fd) }

func parseUnixRights(t *testing.T, oob []byte) []int {
	t.Helper()
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("control messages: %v, %v", msgs, err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	return fds
}

var errAgain error = unix.EAGAIN

func rawRead(fd uintptr, b []byte) (int, error)  { return unix.Read(int(fd), b) }
func rawWrite(fd uintptr, b []byte) (int, error) { return unix.Write(int(fd), b) }
