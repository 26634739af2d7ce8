//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import "golang.org/x/sys/unix"

// InetAddr is an IPv4 or IPv6 socket address as the kernel gave it, held
// by value: taking one allocates nothing, and compat/net keeps it in place
// of a *net.TCPAddr until one is asked for.
type InetAddr struct {
	IP     [16]byte
	Port   uint16
	Family uint8  // 0 (none), 4 or 6: how many bytes of IP are the address
	Zone   uint32 // IPv6 scope: an interface index, or 0
}

// InetFromSockaddr copies sa; anything but an IPv4 or IPv6 address
// (nil included) gives the zero InetAddr, whose Family says none.
func InetFromSockaddr(sa unix.Sockaddr) InetAddr {
	var a InetAddr
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		copy(a.IP[:], sa.Addr[:])
		a.Port, a.Family = uint16(sa.Port), 4
	case *unix.SockaddrInet6:
		copy(a.IP[:], sa.Addr[:])
		a.Port, a.Family, a.Zone = uint16(sa.Port), 6, sa.ZoneId
	}
	return a
}
