//go:build go1.26

package shimtest

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	cnet "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
)

// Impl is one implementation of the net API under test. Its funcs have the
// standard library's signatures, so a case body is written once.
type Impl struct {
	Name string // "std" or "compat": the impl= sub-test name
	// OnLoop reports whether the implementation runs on evshim's loop, so
	// that the harness expects its counters to move.
	OnLoop bool

	Listen       func(network, address string) (net.Listener, error)
	ListenConfig func(ctx context.Context, lc ListenOptions, network, address string) (net.Listener, error)
	Dial         func(network, address string) (net.Conn, error)
	DialTimeout  func(network, address string, timeout time.Duration) (net.Conn, error)
	DialContext  func(ctx context.Context, d DialOptions, network, address string) (net.Conn, error)
	FileConn     func(f *os.File) (net.Conn, error)
	FileListener func(f *os.File) (net.Listener, error)

	// The typed constructors, with results widened to the interfaces.
	DialTCP    func(network string, laddr, raddr *net.TCPAddr) (net.Conn, error)
	ListenTCP  func(network string, laddr *net.TCPAddr) (net.Listener, error)
	DialUnix   func(network string, laddr, raddr *net.UnixAddr) (net.Conn, error)
	ListenUnix func(network string, laddr *net.UnixAddr) (net.Listener, error)

	HTTP HTTPImpl // the net/http surface
}

// connOrNil and listenerOrNil widen a typed constructor's result to the
// interface, keeping a nil pointer from becoming a non-nil interface.
func connOrNil[P net.Conn](c P, err error) (net.Conn, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

func listenerOrNil[P net.Listener](l P, err error) (net.Listener, error) {
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DialOptions are the Dialer fields the suites vary.
type DialOptions struct {
	Timeout      time.Duration
	LocalAddr    net.Addr
	KeepAlive    time.Duration
	MultipathTCP *bool // SetMultipathTCP's argument; nil leaves the default
}

// ListenOptions are the ListenConfig fields the suites vary.
type ListenOptions struct {
	KeepAlive       time.Duration
	KeepAliveConfig net.KeepAliveConfig
	MultipathTCP    *bool // SetMultipathTCP's argument; nil leaves the default
}

// Std is the standard library: the reference every case must pass on.
var Std = Impl{
	Name:   "std",
	Listen: net.Listen,
	ListenConfig: func(ctx context.Context, o ListenOptions, network, address string) (net.Listener, error) {
		lc := net.ListenConfig{KeepAlive: o.KeepAlive, KeepAliveConfig: o.KeepAliveConfig}
		if o.MultipathTCP != nil {
			lc.SetMultipathTCP(*o.MultipathTCP)
		}
		return lc.Listen(ctx, network, address)
	},
	Dial:        net.Dial,
	DialTimeout: net.DialTimeout,
	DialContext: func(ctx context.Context, o DialOptions, network, address string) (net.Conn, error) {
		d := net.Dialer{Timeout: o.Timeout, LocalAddr: o.LocalAddr, KeepAlive: o.KeepAlive}
		if o.MultipathTCP != nil {
			d.SetMultipathTCP(*o.MultipathTCP)
		}
		return d.DialContext(ctx, network, address)
	},
	FileConn:     net.FileConn,
	FileListener: net.FileListener,
	DialTCP: func(n string, l, r *net.TCPAddr) (net.Conn, error) {
		return connOrNil(net.DialTCP(n, l, r))
	},
	ListenTCP: func(n string, l *net.TCPAddr) (net.Listener, error) {
		return listenerOrNil(net.ListenTCP(n, l))
	},
	DialUnix: func(n string, l, r *net.UnixAddr) (net.Conn, error) {
		return connOrNil(net.DialUnix(n, l, r))
	},
	ListenUnix: func(n string, l *net.UnixAddr) (net.Listener, error) {
		return listenerOrNil(net.ListenUnix(n, l))
	},
	HTTP: stdHTTP,
}

// Compat is evshim's compat/net.
var Compat = Impl{
	Name:   "compat",
	OnLoop: loop.Available(),
	Listen: cnet.Listen,
	ListenConfig: func(ctx context.Context, o ListenOptions, network, address string) (net.Listener, error) {
		lc := cnet.ListenConfig{KeepAlive: o.KeepAlive, KeepAliveConfig: o.KeepAliveConfig}
		if o.MultipathTCP != nil {
			lc.SetMultipathTCP(*o.MultipathTCP)
		}
		return lc.Listen(ctx, network, address)
	},
	Dial:        cnet.Dial,
	DialTimeout: cnet.DialTimeout,
	DialContext: func(ctx context.Context, o DialOptions, network, address string) (net.Conn, error) {
		d := cnet.Dialer{Timeout: o.Timeout, LocalAddr: o.LocalAddr, KeepAlive: o.KeepAlive}
		if o.MultipathTCP != nil {
			d.SetMultipathTCP(*o.MultipathTCP)
		}
		return d.DialContext(ctx, network, address)
	},
	FileConn:     cnet.FileConn,
	FileListener: cnet.FileListener,
	DialTCP: func(n string, l, r *net.TCPAddr) (net.Conn, error) {
		return connOrNil(cnet.DialTCP(n, l, r))
	},
	ListenTCP: func(n string, l *net.TCPAddr) (net.Listener, error) {
		return listenerOrNil(cnet.ListenTCP(n, l))
	},
	DialUnix: func(n string, l, r *net.UnixAddr) (net.Conn, error) {
		return connOrNil(cnet.DialUnix(n, l, r))
	},
	ListenUnix: func(n string, l *net.UnixAddr) (net.Listener, error) {
		return listenerOrNil(cnet.ListenUnix(n, l))
	},
	HTTP: compatHTTP,
}

// Impls lists the implementations every case runs against, reference first.
var Impls = []Impl{Std, Compat}

// Case is one conformance case. Run fails t where the implementation is
// wrong on its own terms, and returns an observation that must be equal
// (go-cmp) between the implementations.
type Case struct {
	Name string
	Run  func(t *testing.T, impl Impl) any
}

// cases is the registry; each suite file adds its own.
var cases []Case

func register(cs ...Case) bool {
	cases = append(cases, cs...)
	return true
}

// Cases returns every registered case.
func Cases() []Case { return append([]Case(nil), cases...) }

// settle scales the suites' waits; set SHIMTEST_SCALE=3 on a slow machine.
func settle(d time.Duration) time.Duration {
	if s := os.Getenv("SHIMTEST_SCALE"); s != "" {
		var k int
		for _, r := range s {
			if r < '0' || r > '9' {
				return d
			}
			k = k*10 + int(r-'0')
		}
		if k > 0 {
			return d * time.Duration(k)
		}
	}
	return d
}
