//go:build go1.26

package net

import (
	"context"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// A Dialer contains options for connecting to an address. It has every
// field and method of net.Dialer, with the same meaning and the same zero
// values.
//
// The standard library's dialer resolves the address, races address
// families (RFC 6555) and waits for the TCP handshake; the connected
// socket then moves onto the loop. Everything after the handshake is
// cooperative. Connections to packet networks ("udp", "ip", "unixgram")
// and "unixpacket" are served by the standard library.
//
// A *Dialer is not a *net.Dialer: code that must hand one to an API typed
// *net.Dialer can set that API's DialContext hook to this Dialer's
// DialContext instead.
type Dialer struct {
	// Timeout is the maximum amount of time a dial will wait for a connect
	// to complete. If Deadline is also set, it may fail earlier.
	Timeout time.Duration
	// Deadline is the absolute point in time after which dials will fail.
	Deadline time.Time
	// LocalAddr is the local address to use when dialing an address.
	LocalAddr Addr
	// DualStack previously enabled RFC 6555 Fast Fallback support.
	//
	// Deprecated: Fast Fallback is enabled by default. To disable, set
	// FallbackDelay to a negative value.
	DualStack bool
	// FallbackDelay specifies the length of time to wait before spawning a
	// RFC 6555 Fast Fallback connection.
	FallbackDelay time.Duration
	// KeepAlive specifies the interval between keep-alive probes for an
	// active network connection.
	KeepAlive time.Duration
	// KeepAliveConfig specifies the keep-alive probe configuration for an
	// active network connection.
	KeepAliveConfig KeepAliveConfig
	// Resolver optionally specifies an alternate resolver to use.
	Resolver *Resolver
	// Cancel is an optional channel whose closure indicates that the dial
	// should be canceled.
	//
	// Deprecated: Use DialContext instead.
	Cancel <-chan struct{}
	// If Control is not nil, it is called after creating the network
	// connection but before actually dialing.
	Control func(network, address string, c syscall.RawConn) error
	// If ControlContext is not nil, it is called after creating the network
	// connection but before actually dialing.
	ControlContext func(ctx context.Context, network, address string, c syscall.RawConn) error

	mptcp *bool // set by SetMultipathTCP; nil means the system default
}

// std returns the standard library dialer with d's settings.
func (d *Dialer) std() *net.Dialer {
	sd := &net.Dialer{
		Timeout:         d.Timeout,
		Deadline:        d.Deadline,
		LocalAddr:       d.LocalAddr,
		DualStack:       d.DualStack,
		FallbackDelay:   d.FallbackDelay,
		KeepAlive:       d.KeepAlive,
		KeepAliveConfig: d.KeepAliveConfig,
		Resolver:        d.Resolver,
		Cancel:          d.Cancel,
		Control:         d.Control,
		ControlContext:  d.ControlContext,
	}
	if d.mptcp != nil {
		sd.SetMultipathTCP(*d.mptcp)
	}
	return sd
}

// MultipathTCP reports whether MPTCP will be used.
//
// This method doesn't check if MPTCP is supported by the operating system
// or not.
func (d *Dialer) MultipathTCP() bool { return d.std().MultipathTCP() }

// SetMultipathTCP directs the Dial methods to use, or not use, MPTCP, if
// supported by the operating system.
func (d *Dialer) SetMultipathTCP(use bool) { d.mptcp = &use }

// Dial connects to the address on the named network.
//
// See func Dial for a description of the network and address parameters.
func (d *Dialer) Dial(network, address string) (Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// DialContext connects to the address on the named network using the
// provided context.
//
// The provided Context must be non-nil. If the context expires before the
// connection is complete, an error is returned. Once successfully
// connected, any expiration of the context will not affect the connection.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (Conn, error) {
	c, err := d.std().DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return adoptConn(c, network, originDialed)
}

// DialTCP acts like Dial for TCP networks using the provided context.
func (d *Dialer) DialTCP(ctx context.Context, network string, laddr netip.AddrPort, raddr netip.AddrPort) (*TCPConn, error) {
	c, err := d.std().DialTCP(ctx, network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return adoptTCPConn(c, network)
}

// DialUDP acts like Dial for UDP networks using the provided context. The
// standard library serves it.
func (d *Dialer) DialUDP(ctx context.Context, network string, laddr netip.AddrPort, raddr netip.AddrPort) (*UDPConn, error) {
	return d.std().DialUDP(ctx, network, laddr, raddr)
}

// DialIP acts like Dial for IP networks using the provided context. The
// standard library serves it.
func (d *Dialer) DialIP(ctx context.Context, network string, laddr netip.Addr, raddr netip.Addr) (*IPConn, error) {
	return d.std().DialIP(ctx, network, laddr, raddr)
}

// DialUnix acts like Dial for Unix networks using the provided context.
func (d *Dialer) DialUnix(ctx context.Context, network string, laddr *UnixAddr, raddr *UnixAddr) (*UnixConn, error) {
	c, err := d.std().DialUnix(ctx, network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return adoptUnixConn(c, network, originDialed)
}

// Dial connects to the address on the named network.
//
// Known networks and address forms are those of net.Dial. "tcp", "tcp4",
// "tcp6" and "unix" connections are driven by the loop; the others are
// served by the standard library.
func Dial(network, address string) (Conn, error) {
	var d Dialer
	return d.Dial(network, address)
}

// DialTimeout acts like Dial but takes a timeout.
//
// The timeout includes name resolution, if required. When using TCP, and
// the host in the address parameter resolves to multiple IP addresses, the
// timeout is spread over each consecutive dial.
func DialTimeout(network, address string, timeout time.Duration) (Conn, error) {
	d := Dialer{Timeout: timeout}
	return d.Dial(network, address)
}
