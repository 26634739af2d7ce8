//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// tcpSockaddr is a TCP address as the kernel gave it, held in place so
// that an accepted connection allocates no *TCPAddr until one is asked
// for: an idle connection on a busy server keeps 24 bytes per address
// instead of a *TCPAddr and its IP (64 bytes), which issue 11 counts in
// RSS per idle connection. Immutable once stored.
type tcpSockaddr struct {
	ip     [16]byte
	port   uint16
	family uint8  // 0 (none), 4 or 6: how many bytes of ip are the address
	zone   uint32 // IPv6 scope: an interface index, or 0
}

// rawTCPSockaddr copies sa, which the kernel returned, in place; anything
// but an IPv4 or IPv6 address is stored as none.
func rawTCPSockaddr(sa unix.Sockaddr) tcpSockaddr {
	var a tcpSockaddr
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		copy(a.ip[:], sa.Addr[:])
		a.port, a.family = uint16(sa.Port), 4
	case *unix.SockaddrInet6:
		copy(a.ip[:], sa.Addr[:])
		a.port, a.family, a.zone = uint16(sa.Port), 6, sa.ZoneId
	}
	return a
}

// addr returns a new *TCPAddr equal to the one the standard library builds
// from the same sockaddr (src/net's sockaddrToTCP: a 4-byte IP for IPv4,
// the zone's interface name for a scoped IPv6 address), or nil for none.
// The zone's name is looked up when the address is asked for, not when
// the connection was accepted.
func (a *tcpSockaddr) addr() *TCPAddr {
	switch a.family {
	case 4:
		return &TCPAddr{IP: append(IP(nil), a.ip[:4]...), Port: int(a.port)}
	case 6:
		ta := &TCPAddr{IP: append(IP(nil), a.ip[:]...), Port: int(a.port)}
		if a.zone != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.zone)); err == nil {
				ta.Zone = ifi.Name
			}
		}
		return ta
	}
	return nil
}

// string returns addr().String() where that needs no lookup (no IPv6
// zone), with one allocation, and true; else false. net.IP's String
// formats with net/netip (dotted for an IPv4-mapped IPv6 address, which
// JoinHostPort then leaves without brackets), and netip.AddrPort's String
// is JoinHostPort's shape, so the two agree.
func (a *tcpSockaddr) string() (string, bool) {
	var ip netip.Addr
	switch {
	case a.family == 4:
		ip = netip.AddrFrom4([4]byte(a.ip[:4]))
	case a.family == 6 && a.zone == 0:
		ip = netip.AddrFrom16(a.ip).Unmap()
	default:
		return "", false
	}
	var b [len("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]byte
	return string(netip.AddrPortFrom(ip, a.port).AppendTo(b[:0])), true
}
