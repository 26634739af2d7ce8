//go:build (darwin || dragonfly || freebsd || linux || netbsd || openbsd) && !(linux && !386 && !s390x)

package loop

import "golang.org/x/sys/unix"

// x/sys's accept, getsockname and recvfrom, where sockcalls_direct.go
// does not apply: the address is built as a unix.Sockaddr, then copied.

func acceptInet(s int) (int, InetAddr, string, error) {
	ns, sa, op, err := accept(s)
	return ns, InetFromSockaddr(sa), op, err
}

func getsocknameInet(s int) (InetAddr, error) {
	sa, err := unix.Getsockname(s)
	return InetFromSockaddr(sa), err
}

func peek(s int, b []byte) (int, error) {
	n, _, err := unix.Recvfrom(s, b, unix.MSG_PEEK|unix.MSG_DONTWAIT)
	return n, err
}
