package net

import "golang.org/x/sys/unix"

// The kernel's names for the keep-alive timing options.
const (
	tcpKeepIdle  = unix.TCP_KEEPIDLE
	tcpKeepIntvl = unix.TCP_KEEPINTVL
	tcpKeepCnt   = unix.TCP_KEEPCNT
)

// usingMPTCP reports whether the socket's protocol is MPTCP.
func usingMPTCP(fd int) bool {
	p, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	return err == nil && p == unix.IPPROTO_MPTCP
}
