//go:build go1.26

package net

import (
	"net"
)

// Types that values flow through are aliases of the standard library's, so a
// value from this package passes to any code that takes the stdlib's type,
// and errors match with errors.Is and errors.As unchanged.
type (
	Addr                = net.Addr
	AddrError           = net.AddrError
	Buffers             = net.Buffers
	Conn                = net.Conn
	DNSConfigError      = net.DNSConfigError
	DNSError            = net.DNSError
	Error               = net.Error
	Flags               = net.Flags
	HardwareAddr        = net.HardwareAddr
	IP                  = net.IP
	IPAddr              = net.IPAddr
	IPConn              = net.IPConn
	IPMask              = net.IPMask
	IPNet               = net.IPNet
	Interface           = net.Interface
	InvalidAddrError    = net.InvalidAddrError
	KeepAliveConfig     = net.KeepAliveConfig
	Listener            = net.Listener
	MX                  = net.MX
	NS                  = net.NS
	OpError             = net.OpError
	PacketConn          = net.PacketConn
	ParseError          = net.ParseError
	Resolver            = net.Resolver
	SRV                 = net.SRV
	TCPAddr             = net.TCPAddr
	UDPAddr             = net.UDPAddr
	UDPConn             = net.UDPConn
	UnixAddr            = net.UnixAddr
	UnknownNetworkError = net.UnknownNetworkError
)

// Sentinels and shared values are the standard library's own.
var (
	// ErrClosed is net.ErrClosed itself: errors.Is(err, net.ErrClosed) holds
	// for errors from either package.
	ErrClosed = net.ErrClosed
	// ErrWriteToConnected is net.ErrWriteToConnected itself.
	ErrWriteToConnected = net.ErrWriteToConnected
	// DefaultResolver is net.DefaultResolver itself (the same pointer), so
	// configuring either configures both.
	DefaultResolver = net.DefaultResolver
)

// Well-known addresses. Each shares its backing array with the standard
// library's variable of the same name.
var (
	IPv4bcast     = net.IPv4bcast
	IPv4allsys    = net.IPv4allsys
	IPv4allrouter = net.IPv4allrouter
	IPv4zero      = net.IPv4zero

	IPv6zero                   = net.IPv6zero
	IPv6unspecified            = net.IPv6unspecified
	IPv6loopback               = net.IPv6loopback
	IPv6interfacelocalallnodes = net.IPv6interfacelocalallnodes
	IPv6linklocalallnodes      = net.IPv6linklocalallnodes
	IPv6linklocalallrouters    = net.IPv6linklocalallrouters
)

const (
	IPv4len = net.IPv4len
	IPv6len = net.IPv6len
)

const (
	FlagUp           = net.FlagUp
	FlagBroadcast    = net.FlagBroadcast
	FlagLoopback     = net.FlagLoopback
	FlagPointToPoint = net.FlagPointToPoint
	FlagMulticast    = net.FlagMulticast
	FlagRunning      = net.FlagRunning
)
