//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"net"
	"net/netip"

	"github.com/evshim/evshim/internal/loop"
)

// tcpSockaddr is a TCP address as the kernel gave it, held in place so
// that an accepted connection allocates no *TCPAddr until one is asked
// for: an idle connection on a busy server keeps 24 bytes per address
// instead of a *TCPAddr and its IP (64 bytes), which issue 11 counts in
// RSS per idle connection. Immutable once stored.
type tcpSockaddr loop.InetAddr

// addr returns a new *TCPAddr equal to the one the standard library builds
// from the same sockaddr (src/net's sockaddrToTCP: a 4-byte IP for IPv4,
// the zone's interface name for a scoped IPv6 address), or nil for none.
// The zone's name is looked up when the address is asked for, not when
// the connection was accepted.
func (a *tcpSockaddr) addr() *TCPAddr {
	switch a.Family {
	case 4:
		return &TCPAddr{IP: append(IP(nil), a.IP[:4]...), Port: int(a.Port)}
	case 6:
		ta := &TCPAddr{IP: append(IP(nil), a.IP[:]...), Port: int(a.Port)}
		if a.Zone != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.Zone)); err == nil {
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
	case a.Family == 4:
		ip = netip.AddrFrom4([4]byte(a.IP[:4]))
	case a.Family == 6 && a.Zone == 0:
		ip = netip.AddrFrom16(a.IP).Unmap()
	default:
		return "", false
	}
	var b [len("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]byte
	return string(netip.AddrPortFrom(ip, a.Port).AppendTo(b[:0])), true
}
