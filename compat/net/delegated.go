package net

import (
	"context"
	"net"
	"net/netip"
	"os"
)

// The functions in this file are served by the standard library, not the
// loop: parsers and helpers do no I/O, lookups go through the stdlib
// resolver (cgo or its own DNS client), and packet sockets have no
// connection for the loop to keep. COMPAT.md gives the reason for each.

// CIDRMask is net.CIDRMask.
func CIDRMask(ones, bits int) IPMask { return net.CIDRMask(ones, bits) }

// IPv4 is net.IPv4.
func IPv4(a, b, c, d byte) IP { return net.IPv4(a, b, c, d) }

// IPv4Mask is net.IPv4Mask.
func IPv4Mask(a, b, c, d byte) IPMask { return net.IPv4Mask(a, b, c, d) }

// ParseIP is net.ParseIP.
func ParseIP(s string) IP { return net.ParseIP(s) }

// ParseCIDR is net.ParseCIDR.
func ParseCIDR(s string) (IP, *IPNet, error) { return net.ParseCIDR(s) }

// ParseMAC is net.ParseMAC.
func ParseMAC(s string) (HardwareAddr, error) { return net.ParseMAC(s) }

// JoinHostPort is net.JoinHostPort.
func JoinHostPort(host, port string) string { return net.JoinHostPort(host, port) }

// SplitHostPort is net.SplitHostPort.
func SplitHostPort(hostport string) (host, port string, err error) {
	return net.SplitHostPort(hostport)
}

// TCPAddrFromAddrPort is net.TCPAddrFromAddrPort.
func TCPAddrFromAddrPort(addr netip.AddrPort) *TCPAddr { return net.TCPAddrFromAddrPort(addr) }

// UDPAddrFromAddrPort is net.UDPAddrFromAddrPort.
func UDPAddrFromAddrPort(addr netip.AddrPort) *UDPAddr { return net.UDPAddrFromAddrPort(addr) }

// ResolveIPAddr is net.ResolveIPAddr.
func ResolveIPAddr(network, address string) (*IPAddr, error) {
	return net.ResolveIPAddr(network, address)
}

// ResolveTCPAddr is net.ResolveTCPAddr.
func ResolveTCPAddr(network, address string) (*TCPAddr, error) {
	return net.ResolveTCPAddr(network, address)
}

// ResolveUDPAddr is net.ResolveUDPAddr.
func ResolveUDPAddr(network, address string) (*UDPAddr, error) {
	return net.ResolveUDPAddr(network, address)
}

// ResolveUnixAddr is net.ResolveUnixAddr.
func ResolveUnixAddr(network, address string) (*UnixAddr, error) {
	return net.ResolveUnixAddr(network, address)
}

// LookupAddr is net.LookupAddr.
func LookupAddr(addr string) (names []string, err error) { return net.LookupAddr(addr) }

// LookupCNAME is net.LookupCNAME.
func LookupCNAME(host string) (cname string, err error) { return net.LookupCNAME(host) }

// LookupHost is net.LookupHost.
func LookupHost(host string) (addrs []string, err error) { return net.LookupHost(host) }

// LookupIP is net.LookupIP.
func LookupIP(host string) ([]IP, error) { return net.LookupIP(host) }

// LookupMX is net.LookupMX.
func LookupMX(name string) ([]*MX, error) { return net.LookupMX(name) }

// LookupNS is net.LookupNS.
func LookupNS(name string) ([]*NS, error) { return net.LookupNS(name) }

// LookupPort is net.LookupPort.
func LookupPort(network, service string) (port int, err error) {
	return net.LookupPort(network, service)
}

// LookupSRV is net.LookupSRV.
func LookupSRV(service, proto, name string) (cname string, addrs []*SRV, err error) {
	return net.LookupSRV(service, proto, name)
}

// LookupTXT is net.LookupTXT.
func LookupTXT(name string) ([]string, error) { return net.LookupTXT(name) }

// InterfaceAddrs is net.InterfaceAddrs.
func InterfaceAddrs() ([]Addr, error) { return net.InterfaceAddrs() }

// InterfaceByIndex is net.InterfaceByIndex.
func InterfaceByIndex(index int) (*Interface, error) { return net.InterfaceByIndex(index) }

// InterfaceByName is net.InterfaceByName.
func InterfaceByName(name string) (*Interface, error) { return net.InterfaceByName(name) }

// Interfaces is net.Interfaces.
func Interfaces() ([]Interface, error) { return net.Interfaces() }

// Pipe is net.Pipe: a synchronous in-memory pipe has no socket for the loop.
func Pipe() (Conn, Conn) { return net.Pipe() }

// DialIP is net.DialIP.
func DialIP(network string, laddr, raddr *IPAddr) (*IPConn, error) {
	return net.DialIP(network, laddr, raddr)
}

// DialUDP is net.DialUDP.
func DialUDP(network string, laddr, raddr *UDPAddr) (*UDPConn, error) {
	return net.DialUDP(network, laddr, raddr)
}

// ListenIP is net.ListenIP.
func ListenIP(network string, laddr *IPAddr) (*IPConn, error) { return net.ListenIP(network, laddr) }

// ListenUDP is net.ListenUDP.
func ListenUDP(network string, laddr *UDPAddr) (*UDPConn, error) {
	return net.ListenUDP(network, laddr)
}

// ListenMulticastUDP is net.ListenMulticastUDP.
func ListenMulticastUDP(network string, ifi *Interface, gaddr *UDPAddr) (*UDPConn, error) {
	return net.ListenMulticastUDP(network, ifi, gaddr)
}

// ListenPacket is net.ListenPacket.
func ListenPacket(network, address string) (PacketConn, error) {
	return net.ListenPacket(network, address)
}

// FilePacketConn is net.FilePacketConn.
func FilePacketConn(f *os.File) (c PacketConn, err error) { return net.FilePacketConn(f) }

// ListenUnixgram is net.ListenUnixgram, returned as this package's
// *UnixConn: a datagram socket is served by the standard library.
func ListenUnixgram(network string, laddr *UnixAddr) (*UnixConn, error) {
	c, err := net.ListenUnixgram(network, laddr)
	if err != nil {
		return nil, err
	}
	return &UnixConn{impl: c}, nil
}

// ListenPacket announces on the local network address, as
// net.ListenConfig.ListenPacket does; packet sockets are served by the
// standard library.
func (lc *ListenConfig) ListenPacket(ctx context.Context, network, address string) (PacketConn, error) {
	return lc.std().ListenPacket(ctx, network, address)
}
