package net

import (
	"net"
	"os"
	"syscall"
	"time"
)

// unixConnImpl is the method set of *net.UnixConn. Both *net.UnixConn
// (datagram and seqpacket sockets, and platforms without a loop) and the
// loop's stream connection implement it.
type unixConnImpl interface {
	net.Conn
	CloseRead() error
	CloseWrite() error
	File() (*os.File, error)
	ReadFrom(b []byte) (int, Addr, error)
	ReadFromUnix(b []byte) (int, *UnixAddr, error)
	ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *UnixAddr, err error)
	SetReadBuffer(bytes int) error
	SetWriteBuffer(bytes int) error
	SyscallConn() (syscall.RawConn, error)
	WriteMsgUnix(b, oob []byte, addr *UnixAddr) (n, oobn int, err error)
	WriteTo(b []byte, addr Addr) (int, error)
	WriteToUnix(b []byte, addr *UnixAddr) (int, error)
}

var _ unixConnImpl = (*net.UnixConn)(nil)

// UnixConn is an implementation of the Conn interface for connections to
// Unix domain sockets. It has every method of net.UnixConn.
//
// A "unix" (stream) UnixConn from Dial, Accept or FileConn is driven by the
// loop; "unixgram" and "unixpacket" ones, and all of them where the platform
// has no loop, wrap a *net.UnixConn.
//
// Multiple goroutines may invoke methods on a UnixConn simultaneously.
type UnixConn struct {
	impl unixConnImpl // immutable; nil only in a zero UnixConn
}

func (c *UnixConn) ok() bool { return c != nil && c.impl != nil }

// Read implements the Conn Read method.
func (c *UnixConn) Read(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.Read(b)
}

// Write implements the Conn Write method.
func (c *UnixConn) Write(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.Write(b)
}

// Close closes the connection.
func (c *UnixConn) Close() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.Close()
}

// LocalAddr returns the local network address.
func (c *UnixConn) LocalAddr() Addr {
	if !c.ok() {
		return nil
	}
	return c.impl.LocalAddr()
}

// RemoteAddr returns the remote network address.
func (c *UnixConn) RemoteAddr() Addr {
	if !c.ok() {
		return nil
	}
	return c.impl.RemoteAddr()
}

// SetDeadline implements the Conn SetDeadline method.
func (c *UnixConn) SetDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetDeadline(t)
}

// SetReadDeadline implements the Conn SetReadDeadline method.
func (c *UnixConn) SetReadDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetReadDeadline(t)
}

// SetWriteDeadline implements the Conn SetWriteDeadline method.
func (c *UnixConn) SetWriteDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetWriteDeadline(t)
}

// CloseRead shuts down the reading side of the Unix domain connection.
// Most callers should just use Close.
func (c *UnixConn) CloseRead() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.CloseRead()
}

// CloseWrite shuts down the writing side of the Unix domain connection.
// Most callers should just use Close.
func (c *UnixConn) CloseWrite() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.CloseWrite()
}

// File returns a copy of the underlying os.File. The copy is not on the loop.
func (c *UnixConn) File() (*os.File, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	return c.impl.File()
}

// ReadFrom implements the PacketConn ReadFrom method.
func (c *UnixConn) ReadFrom(b []byte) (int, Addr, error) {
	if !c.ok() {
		return 0, nil, syscall.EINVAL
	}
	return c.impl.ReadFrom(b)
}

// ReadFromUnix acts like ReadFrom but returns a UnixAddr.
func (c *UnixConn) ReadFromUnix(b []byte) (int, *UnixAddr, error) {
	if !c.ok() {
		return 0, nil, syscall.EINVAL
	}
	return c.impl.ReadFromUnix(b)
}

// ReadMsgUnix reads a message from c, copying the payload into b and the
// associated out-of-band data into oob. Received file descriptors are
// close-on-exec, as with the standard library.
func (c *UnixConn) ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *UnixAddr, err error) {
	if !c.ok() {
		return 0, 0, 0, nil, syscall.EINVAL
	}
	return c.impl.ReadMsgUnix(b, oob)
}

// SetReadBuffer sets the size of the operating system's receive buffer
// associated with the connection.
func (c *UnixConn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetReadBuffer(bytes)
}

// SetWriteBuffer sets the size of the operating system's transmit buffer
// associated with the connection.
func (c *UnixConn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	return c.impl.SetWriteBuffer(bytes)
}

// SyscallConn returns a raw network connection.
func (c *UnixConn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	return c.impl.SyscallConn()
}

// WriteMsgUnix writes a message to addr via c, copying the payload from b
// and the associated out-of-band data from oob.
func (c *UnixConn) WriteMsgUnix(b, oob []byte, addr *UnixAddr) (n, oobn int, err error) {
	if !c.ok() {
		return 0, 0, syscall.EINVAL
	}
	return c.impl.WriteMsgUnix(b, oob, addr)
}

// WriteTo implements the PacketConn WriteTo method.
func (c *UnixConn) WriteTo(b []byte, addr Addr) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.WriteTo(b, addr)
}

// WriteToUnix acts like WriteTo but takes a UnixAddr.
func (c *UnixConn) WriteToUnix(b []byte, addr *UnixAddr) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	return c.impl.WriteToUnix(b, addr)
}

// unixListenerImpl is what a UnixListener needs from its implementation.
type unixListenerImpl interface {
	AcceptUnix() (*UnixConn, error)
	Addr() Addr
	Close() error
	File() (*os.File, error)
	SetDeadline(t time.Time) error
	SetUnlinkOnClose(unlink bool)
	SyscallConn() (syscall.RawConn, error)
}

// UnixListener is a Unix domain socket listener. It has every method of
// net.UnixListener. Clients should typically use variables of type Listener
// instead of assuming Unix domain sockets.
//
// A "unix" UnixListener accepts on the loop; "unixpacket" ones, and all of
// them where the platform has no loop, wrap a *net.UnixListener.
//
// Multiple goroutines may invoke methods on a UnixListener simultaneously.
type UnixListener struct {
	impl unixListenerImpl // immutable; nil only in a zero UnixListener
}

func (l *UnixListener) ok() bool { return l != nil && l.impl != nil }

// Accept implements the Accept method in the Listener interface. Returned
// connections will be of type *UnixConn.
func (l *UnixListener) Accept() (Conn, error) {
	c, err := l.AcceptUnix()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptUnix accepts the next incoming call and returns the new connection.
func (l *UnixListener) AcceptUnix() (*UnixConn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.AcceptUnix()
}

// Addr returns the listener's network address.
func (l *UnixListener) Addr() Addr {
	if !l.ok() {
		return nil
	}
	return l.impl.Addr()
}

// Close stops listening on the Unix address. Already accepted connections
// are not closed.
func (l *UnixListener) Close() error {
	if !l.ok() {
		return syscall.EINVAL
	}
	return l.impl.Close()
}

// File returns a copy of the underlying os.File.
func (l *UnixListener) File() (*os.File, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.File()
}

// SetDeadline sets the deadline associated with the listener. A zero time
// value disables the deadline.
func (l *UnixListener) SetDeadline(t time.Time) error {
	if !l.ok() {
		return syscall.EINVAL
	}
	return l.impl.SetDeadline(t)
}

// SetUnlinkOnClose sets whether the underlying socket file should be
// removed from the file system when the listener is closed.
func (l *UnixListener) SetUnlinkOnClose(unlink bool) {
	if l.ok() {
		l.impl.SetUnlinkOnClose(unlink)
	}
}

// SyscallConn returns a raw network connection.
func (l *UnixListener) SyscallConn() (syscall.RawConn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return l.impl.SyscallConn()
}

// stdUnixListener adapts a *net.UnixListener, where the stdlib serves.
type stdUnixListener struct{ *net.UnixListener }

func (l stdUnixListener) AcceptUnix() (*UnixConn, error) {
	c, err := l.UnixListener.AcceptUnix()
	if err != nil {
		return nil, err
	}
	return &UnixConn{impl: c}, nil
}

// DialUnix acts like Dial for Unix networks.
//
// The network must be a Unix network name; see func Dial for details.
// If laddr is non-nil, it is used as the local address for the connection.
func DialUnix(network string, laddr, raddr *UnixAddr) (*UnixConn, error) {
	c, err := net.DialUnix(network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return adoptUnixConn(c, network, originDialed)
}

// ListenUnix acts like Listen for Unix networks.
//
// The network must be "unix" or "unixpacket".
func ListenUnix(network string, laddr *UnixAddr) (*UnixListener, error) {
	l, err := net.ListenUnix(network, laddr)
	if err != nil {
		return nil, err
	}
	return adoptUnixListener(l, network, true)
}
