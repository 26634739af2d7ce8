package net

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// The kernel's names for the keep-alive timing options.
const (
	tcpKeepIdle  = unix.TCP_KEEPIDLE
	tcpKeepIntvl = unix.TCP_KEEPINTVL
	tcpKeepCnt   = unix.TCP_KEEPCNT
)

// usingMPTCP reports whether MPTCP is still in use on the socket, by the
// standard library's rules (src/net/mptcpsock_linux.go,
// isUsingMultipathTCP): false where the kernel has no MPTCP; from Linux
// 5.16, false once the connection has fallen back to TCP (MPTCP_INFO
// fails with EOPNOTSUPP or ENOPROTOOPT); before, whether the socket's
// protocol is MPTCP.
func usingMPTCP(fd int) bool {
	mptcpOnce.Do(initMPTCP)
	if !mptcpAvailable {
		return false
	}
	if hasSOLMPTCP {
		_, err := unix.GetsockoptInt(fd, unix.SOL_MPTCP, mptcpInfo)
		return err != unix.EOPNOTSUPP && err != unix.ENOPROTOOPT
	}
	p, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	return p == unix.IPPROTO_MPTCP
}

// mptcpInfo is MPTCP_INFO (linux/mptcp.h), which x/sys/unix does not name.
const mptcpInfo = 1

var (
	mptcpOnce      sync.Once
	mptcpAvailable bool // set once by initMPTCP
	hasSOLMPTCP    bool // set once by initMPTCP; only meaningful if mptcpAvailable
)

// initMPTCP probes the kernel as the standard library's
// initMPTCPavailable does: an MPTCP socket that cannot be made for want
// of the protocol (EPROTONOSUPPORT from 5.6, EINVAL before) means none;
// any other answer means MPTCP may be used.
func initMPTCP() {
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_MPTCP)
	if errors.Is(err, unix.EAFNOSUPPORT) {
		s, err = unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_MPTCP)
	}
	switch {
	case errors.Is(err, unix.EPROTONOSUPPORT), errors.Is(err, unix.EINVAL):
		return
	case err == nil:
		unix.Close(s)
	}
	mptcpAvailable = true
	hasSOLMPTCP = kernelVersionGE(5, 16)
}

// kernelVersionGE reports whether the running kernel is at least
// major.minor, from uname's release ("6.1.0-13-amd64").
func kernelVersionGE(major, minor int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	rel := unix.ByteSliceToString(u.Release[:])
	parts := strings.SplitN(rel, ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, _ := strconv.Atoi(parts[0])
	mnr := 0
	for _, c := range parts[1] {
		if c < '0' || c > '9' {
			break
		}
		mnr = mnr*10 + int(c-'0')
	}
	return maj > major || maj == major && mnr >= minor
}
