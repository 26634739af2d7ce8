package shimtest

import (
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// keepAliveIdle reads TCP_KEEPIDLE back, in seconds.
func keepAliveIdle(t *testing.T, c net.Conn) int {
	return getsockopt(t, c, sockopt{unix.IPPROTO_TCP, unix.TCP_KEEPIDLE})
}
