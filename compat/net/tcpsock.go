package net

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// tcpConnImpl is the method set of *net.TCPConn. Both *net.TCPConn (where
// the stdlib serves a connection) and the loop's connection implement it.
type tcpConnImpl interface {
	net.Conn
	CloseRead() error
	CloseWrite() error
	File() (*os.File, error)
	MultipathTCP() (bool, error)
	ReadFrom(r io.Reader) (int64, error)
	WriteTo(w io.Writer) (int64, error)
	SetKeepAlive(keepalive bool) error
	SetKeepAliveConfig(config KeepAliveConfig) error
	SetKeepAlivePeriod(d time.Duration) error
	SetLinger(sec int) error
	SetNoDelay(noDelay bool) error
	SetReadBuffer(bytes int) error
	SetWriteBuffer(bytes int) error
	SyscallConn() (syscall.RawConn, error)
}

var _ tcpConnImpl = (*net.TCPConn)(nil)

// TCPConn is an implementation of the Conn interface for TCP network
// connections. It has every method of net.TCPConn.
//
// A TCPConn from Dial, Accept or FileConn is driven by the loop; where the
// platform has no loop it wraps a *net.TCPConn. A type assertion of its
// Conn to *net.TCPConn fails: assert to *TCPConn (this package's) or to an
// interface such as interface{ CloseWrite() error }.
//
// Multiple goroutines may invoke methods on a TCPConn simultaneously.
type TCPConn struct {
	impl tcpConnImpl // immutable; nil only in a zero TCPConn
}

func (c *TCPConn) ok() bool { return c != nil && c.impl != nil }

// Read implements the Conn Read method.
func (c *TCPConn) Read(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.Read(b)
}

// Write implements the Conn Write method.
func (c *TCPConn) Write(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.Write(b)
}

// Close closes the connection. Bytes that Write accepted are in the
// kernel's send buffer and are delivered as for a stdlib connection.
func (c *TCPConn) Close() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.Close()
}

// LocalAddr returns the local network address.
func (c *TCPConn) LocalAddr() Addr {
	if !c.ok() {
		return nil
	}
	return c.impl.LocalAddr()
}

// RemoteAddr returns the remote network address.
func (c *TCPConn) RemoteAddr() Addr {
	if !c.ok() {
		return nil
	}
	return c.impl.RemoteAddr()
}

// SetDeadline implements the Conn SetDeadline method.
func (c *TCPConn) SetDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetDeadline(t)
}

// SetReadDeadline implements the Conn SetReadDeadline method.
func (c *TCPConn) SetReadDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetReadDeadline(t)
}

// SetWriteDeadline implements the Conn SetWriteDeadline method.
func (c *TCPConn) SetWriteDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetWriteDeadline(t)
}

// CloseRead shuts down the reading side of the TCP connection.
// Most callers should just use Close.
func (c *TCPConn) CloseRead() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.CloseRead()
}

// CloseWrite shuts down the writing side of the TCP connection.
// Most callers should just use Close.
func (c *TCPConn) CloseWrite() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.CloseWrite()
}

// File returns a copy of the underlying os.File, as net.TCPConn.File does.
// The copy is not on the loop.
func (c *TCPConn) File() (*os.File, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	return c.impl.File()
}

// MultipathTCP reports whether the ongoing connection is using MPTCP.
func (c *TCPConn) MultipathTCP() (bool, error) {
	if !c.ok() {
		return false, syscall.EINVAL
	}
	return c.impl.MultipathTCP()
}

// ReadFrom implements the io.ReaderFrom ReadFrom method.
func (c *TCPConn) ReadFrom(r io.Reader) (int64, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.ReadFrom(r)
}

// WriteTo implements the io.WriterTo WriteTo method.
func (c *TCPConn) WriteTo(w io.Writer) (int64, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.WriteTo(w)
}

// SetKeepAlive sets whether the operating system should send keep-alive
// messages on the connection.
func (c *TCPConn) SetKeepAlive(keepalive bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetKeepAlive(keepalive)
}

// SetKeepAliveConfig configures keep-alive messages sent by the operating
// system.
func (c *TCPConn) SetKeepAliveConfig(config KeepAliveConfig) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetKeepAliveConfig(config)
}

// SetKeepAlivePeriod sets the duration the connection needs to remain idle
// before TCP starts sending keepalive probes.
func (c *TCPConn) SetKeepAlivePeriod(d time.Duration) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetKeepAlivePeriod(d)
}

// SetLinger sets the behavior of Close on a connection which still has data
// waiting to be sent or to be acknowledged.
func (c *TCPConn) SetLinger(sec int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetLinger(sec)
}

// SetNoDelay controls whether the operating system should delay packet
// transmission in hopes of sending fewer packets (Nagle's algorithm). The
// default is true (no delay), as for the standard library.
func (c *TCPConn) SetNoDelay(noDelay bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetNoDelay(noDelay)
}

// SetReadBuffer sets the size of the operating system's receive buffer
// associated with the connection.
func (c *TCPConn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetReadBuffer(bytes)
}

// SetWriteBuffer sets the size of the operating system's transmit buffer
// associated with the connection.
func (c *TCPConn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetWriteBuffer(bytes)
}

// SyscallConn returns a raw network connection. Its Read and Write wait for
// readiness on the loop.
func (c *TCPConn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	return c.impl.SyscallConn()
}

// tcpListenerImpl is what a TCPListener needs from its implementation.
type tcpListenerImpl interface {
	AcceptTCP() (*TCPConn, error)
	Addr() Addr
	Close() error
	File() (*os.File, error)
	SetDeadline(t time.Time) error
	SyscallConn() (syscall.RawConn, error)
}

// TCPListener is a TCP network listener. It has every method of
// net.TCPListener. Clients should typically use variables of type Listener
// instead of assuming TCP.
//
// A TCPListener from Listen accepts on the loop; where the platform has no
// loop it wraps a *net.TCPListener.
//
// Multiple goroutines may invoke methods on a TCPListener simultaneously.
type TCPListener struct {
	impl tcpListenerImpl // immutable; nil only in a zero TCPListener
}

func (l *TCPListener) ok() bool { return l != nil && l.impl != nil }

// Accept implements the Accept method in the Listener interface; it waits
// for the next call and returns a generic Conn (a *TCPConn).
func (l *TCPListener) Accept() (Conn, error) {
	c, err := l.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptTCP accepts the next incoming call and returns the new connection.
func (l *TCPListener) AcceptTCP() (*TCPConn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.AcceptTCP()
}

// Addr returns the listener's network address, a *TCPAddr.
func (l *TCPListener) Addr() Addr {
	if !l.ok() {
		return nil
	}
	return l.impl.Addr()
}

// Close stops listening on the TCP address. Already Accepted connections
// are not closed.
func (l *TCPListener) Close() error {
	if !l.ok() {
		return syscall.EINVAL
	}
	return l.impl.Close()
}

// File returns a copy of the underlying os.File.
func (l *TCPListener) File() (*os.File, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.File()
}

// SetDeadline sets the deadline associated with the listener. A zero time
// value disables the deadline.
func (l *TCPListener) SetDeadline(t time.Time) error {
	if !l.ok() {
		return syscall.EINVAL
	}
	return l.impl.SetDeadline(t)
}

// SyscallConn returns a raw network connection.
func (l *TCPListener) SyscallConn() (syscall.RawConn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.SyscallConn()
}

// stdTCPListener adapts a *net.TCPListener, where the stdlib serves.
type stdTCPListener struct{ *net.TCPListener }

func (l stdTCPListener) AcceptTCP() (*TCPConn, error) {
	c, err := l.TCPListener.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return &TCPConn{impl: c}, nil
}

// DialTCP acts like Dial for TCP networks.
//
// The network must be a TCP network name; see func Dial for details.
// If laddr is nil, a local address is automatically chosen. If the IP field
// of raddr is nil or an unspecified IP address, the local system is assumed.
func DialTCP(network string, laddr, raddr *TCPAddr) (*TCPConn, error) {
	c, err := net.DialTCP(network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return adoptTCPConn(c, network)
}

// ListenTCP acts like Listen for TCP networks.
//
// The network must be a TCP network name; see func Dial for details.
func ListenTCP(network string, laddr *TCPAddr) (*TCPListener, error) {
	l, err := net.ListenTCP(network, laddr)
	if err != nil {
		return nil, err
	}
	return adoptTCPListener(l, network, ListenConfig{})
}
