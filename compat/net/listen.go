//go:build go1.26

package net

import (
	"context"
	"net"
	"syscall"
	"time"
)

// ListenConfig contains options for listening to an address. It has every
// field and method of net.ListenConfig.
//
// The standard library creates, binds and (for Unix sockets) names the
// listening socket; accepting then runs on the loop. A *ListenConfig is not
// a *net.ListenConfig.
type ListenConfig struct {
	// If Control is not nil, it is called after creating the network
	// connection but before binding it to the operating system.
	Control func(network, address string, c syscall.RawConn) error
	// KeepAlive specifies the keep-alive period for network connections
	// accepted by this listener. KeepAlive is ignored if
	// KeepAliveConfig.Enable is true. If zero, keep-alive are enabled if
	// supported by the protocol and operating system. If negative,
	// keep-alive are disabled.
	KeepAlive time.Duration
	// KeepAliveConfig specifies the keep-alive probe configuration for an
	// active network connection, when supported by the protocol and
	// operating system.
	KeepAliveConfig KeepAliveConfig

	mptcp *bool // set by SetMultipathTCP; nil means the system default
}

// std returns the standard library ListenConfig with lc's settings.
func (lc *ListenConfig) std() *net.ListenConfig {
	s := &net.ListenConfig{Control: lc.Control, KeepAlive: lc.KeepAlive, KeepAliveConfig: lc.KeepAliveConfig}
	if lc.mptcp != nil {
		s.SetMultipathTCP(*lc.mptcp)
	}
	return s
}

// MultipathTCP reports whether MPTCP will be used.
//
// This method doesn't check if MPTCP is supported by the operating system
// or not.
func (lc *ListenConfig) MultipathTCP() bool { return lc.std().MultipathTCP() }

// SetMultipathTCP directs the Listen method to use, or not use, MPTCP, if
// supported by the operating system.
func (lc *ListenConfig) SetMultipathTCP(use bool) { lc.mptcp = &use }

// Listen announces on the local network address.
//
// See func Listen for a description of the network and address parameters.
func (lc *ListenConfig) Listen(ctx context.Context, network, address string) (Listener, error) {
	l, err := lc.std().Listen(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return adoptListener(l, network, *lc, true)
}

// Listen announces on the local network address.
//
// The network must be "tcp", "tcp4", "tcp6", "unix" or "unixpacket"; the
// address forms are those of net.Listen. The listener accepts on the loop,
// except for "unixpacket", which the standard library serves.
func Listen(network, address string) (Listener, error) {
	var lc ListenConfig
	return lc.Listen(context.Background(), network, address)
}

// adoptListener moves a listener made by the standard library onto the
// loop where it can, and otherwise wraps it. unlink says whether closing a
// Unix listener removes its path.
func adoptListener(l net.Listener, network string, lc ListenConfig, unlink bool) (Listener, error) {
	switch l := l.(type) {
	case *net.TCPListener:
		return adoptTCPListener(l, network, lc)
	case *net.UnixListener:
		return adoptUnixListener(l, network, unlink)
	}
	return l, nil
}

// adoptConn moves a connection made by the standard library onto the loop
// where it can, and otherwise returns it as it is.
func adoptConn(c net.Conn, network string, from origin) (Conn, error) {
	switch c := c.(type) {
	case *net.TCPConn:
		tc, err := adoptTCPConnFrom(c, network, from)
		if err != nil {
			return nil, err
		}
		return tc, nil
	case *net.UnixConn:
		uc, err := adoptUnixConn(c, network, from)
		if err != nil {
			return nil, err
		}
		return uc, nil
	}
	return c, nil
}

func adoptTCPConn(c *net.TCPConn, network string) (*TCPConn, error) {
	return adoptTCPConnFrom(c, network, originDialed)
}

// origin says where a connection came from, for the loop's counters.
type origin int

const (
	originDialed origin = iota
	originAccepted
	originAdopted
)
