//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/sys/unix"
)

// streamConn is a stream socket on the loop: the part that TCP and Unix
// connections share. Its methods wrap the loop FD's bare errors in the
// standard library's shapes, at one point per method, as src/net's conn
// does.
//
// Multiple goroutines may invoke methods on a streamConn simultaneously;
// every field is immutable after construction, but for addrs of an
// accepted TCP connection, which is set once (knownAddrs).
//
// Every accepted connection holds one while open, and issue 11 counts
// RSS per idle connection, so a tcpConn fits the 80-byte size class: the
// network's name is a pointer to a shared string (netName), and the
// addresses sit behind a pointer that an accepted TCP connection leaves
// nil until they are asked for.
type streamConn struct {
	fd   *loop.FD
	netp *string // the network as the caller named it: "tcp", "tcp4", "tcp6", "unix"; see netName
	// addrs holds the addresses: set at construction where they are known;
	// for an accepted TCP connection (tcpAddrs), made from lsa and rsa at
	// the first call that needs them and kept (see knownAddrs).
	addrs *connAddrs
	// lsa and rsa are an accepted TCP connection's addresses as the kernel
	// gave them, in place: an idle connection holds no *TCPAddr until
	// LocalAddr or RemoteAddr is called (see tcpSockaddr).
	lsa, rsa tcpSockaddr
	tcpAddrs bool
	// connected is set for a dialed socket, as the standard library's
	// netFD.isConnected is (not for an accepted one or a FileConn): it
	// decides the errors of WriteTo and WriteToUnix.
	connected bool
}

// connAddrs is a connection's addresses as known at construction.
type connAddrs struct{ laddr, raddr Addr }

// newStreamConn returns a streamConn whose addresses are known.
func newStreamConn(fd *loop.FD, network string, laddr, raddr Addr) streamConn {
	return streamConn{fd: fd, netp: netName(network), addrs: &connAddrs{laddr, raddr}}
}

// netNames are the networks a stream connection is made for.
var netNames = [...]string{"tcp", "tcp4", "tcp6", "unix", "unixpacket"}

// netName returns a pointer to a string equal to name: a shared one for a
// usual name, so that a connection holds 8 bytes for its network's name
// rather than a string header.
func netName(name string) *string {
	for i := range netNames {
		if netNames[i] == name {
			return &netNames[i]
		}
	}
	return &name
}

// network is the network as the caller named it.
func (c *streamConn) network() string { return *c.netp }

// localAddr and remoteAddr are the connection's addresses as Addr values:
// a *TCPAddr built from lsa or rsa is a non-nil Addr even if nil, as the
// eagerly built one was.
func (c *streamConn) localAddr() Addr  { return c.knownAddrs().laddr }
func (c *streamConn) remoteAddr() Addr { return c.knownAddrs().raddr }

// knownAddrs returns c.addrs, making it first for an accepted TCP
// connection. Made once and kept, because the standard library returns
// the same values on every call, and code compares them or keys maps with
// them (a chat server's clients[conn.RemoteAddr()]). The first callers
// may race, so the pointer is read and set atomically, and a
// compare-and-swap makes every caller get the same one. It is a plain
// pointer used through unsafe, not an atomic.Pointer, because a
// streamConn is built as a value and copied into its wrapper (adoptStream),
// which vet's copylocks check forbids for atomic types.
func (c *streamConn) knownAddrs() *connAddrs {
	p := (*unsafe.Pointer)(unsafe.Pointer(&c.addrs))
	if a := (*connAddrs)(atomic.LoadPointer(p)); a != nil {
		return a
	}
	a := &connAddrs{c.lsa.addr(), c.rsa.addr()}
	if atomic.CompareAndSwapPointer(p, nil, unsafe.Pointer(a)) {
		return a
	}
	return (*connAddrs)(atomic.LoadPointer(p))
}

func (c *streamConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.network(), Source: c.localAddr(), Addr: c.remoteAddr(), Err: err}
}

// setError is the shape of the stdlib's errors from the setters that every
// conn has (deadlines, buffer sizes): no source, the local address as Addr.
func (c *streamConn) setError(err error) error {
	return &net.OpError{Op: "set", Net: c.network(), Source: nil, Addr: c.localAddr(), Err: err}
}

// wrapSyscall gives a bare errno the syscall's name, as src/net does; the
// loop's sentinels pass unchanged.
func wrapSyscall(name string, err error) error {
	if errno, ok := err.(syscall.Errno); ok {
		return os.NewSyscallError(name, errno)
	}
	return err
}

func (c *streamConn) Read(b []byte) (int, error) {
	n, err := c.fd.Read(b)
	if err != nil && err != io.EOF {
		err = c.opError("read", wrapSyscall("read", err))
	}
	return n, err
}

func (c *streamConn) Write(b []byte) (int, error) {
	n, err := c.fd.Write(b)
	if err != nil {
		err = c.opError("write", wrapSyscall("write", err))
	}
	return n, err
}

func (c *streamConn) Close() error {
	if err := c.fd.Close(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

func (c *streamConn) LocalAddr() Addr  { return c.localAddr() }
func (c *streamConn) RemoteAddr() Addr { return c.remoteAddr() }

func (c *streamConn) SetDeadline(t time.Time) error {
	if err := c.fd.SetDeadline(t); err != nil {
		return c.setError(err)
	}
	return nil
}

func (c *streamConn) SetReadDeadline(t time.Time) error {
	if err := c.fd.SetReadDeadline(t); err != nil {
		return c.setError(err)
	}
	return nil
}

func (c *streamConn) SetWriteDeadline(t time.Time) error {
	if err := c.fd.SetWriteDeadline(t); err != nil {
		return c.setError(err)
	}
	return nil
}

func (c *streamConn) CloseRead() error {
	if err := c.fd.Shutdown(unix.SHUT_RD); err != nil {
		return c.opError("close", wrapSyscall("shutdown", err))
	}
	return nil
}

func (c *streamConn) CloseWrite() error {
	if err := c.fd.Shutdown(unix.SHUT_WR); err != nil {
		return c.opError("close", wrapSyscall("shutdown", err))
	}
	return nil
}

func (c *streamConn) File() (*os.File, error) {
	f, err := dupFile(c.fd, c.network(), c.localAddr(), c.remoteAddr())
	if err != nil {
		return nil, c.opError("file", err)
	}
	return f, nil
}

func (c *streamConn) SyscallConn() (syscall.RawConn, error) {
	return &rawConn{fd: c.fd, net: c.network(), conn: c}, nil
}

func (c *streamConn) setsockopt(level, opt, value int) error {
	var serr error
	err := c.fd.RawControl(func(s uintptr) { serr = unix.SetsockoptInt(int(s), level, opt, value) })
	if err == nil {
		err = wrapSyscall("setsockopt", serr)
	}
	if err != nil {
		return c.opError("set", err)
	}
	return nil
}

func (c *streamConn) SetReadBuffer(bytes int) error {
	if err := c.setsockopt(unix.SOL_SOCKET, unix.SO_RCVBUF, bytes); err != nil {
		return c.setError(err.(*net.OpError).Err)
	}
	return nil
}

func (c *streamConn) SetWriteBuffer(bytes int) error {
	if err := c.setsockopt(unix.SOL_SOCKET, unix.SO_SNDBUF, bytes); err != nil {
		return c.setError(err.(*net.OpError).Err)
	}
	return nil
}

// dupFile returns a close-on-exec duplicate of fd's socket as an *os.File
// named as the standard library names it (netFD.name: "tcp:a->b", with an
// empty side for a missing address). The standard library's file turns
// blocking when its Fd method is called (os/exec calls it for
// ExtraFiles); os.NewFile has no such mode, so this duplicate is blocking
// from the start, and with it the socket (see loop.FD.DupBlocking).
func dupFile(fd *loop.FD, network string, laddr, raddr Addr) (*os.File, error) {
	ns, err := fd.DupBlocking()
	if err != nil {
		return nil, wrapSyscall("dup", err)
	}
	var ls, rs string
	if laddr != nil {
		ls = laddr.String()
	}
	if raddr != nil {
		rs = raddr.String()
	}
	return os.NewFile(uintptr(ns), network+":"+ls+"->"+rs), nil
}

// rawConn implements syscall.RawConn over a loop FD: Read and Write park on
// the loop between calls of f, as the stdlib's park on its netpoller.
type rawConn struct {
	fd    *loop.FD
	net   string
	laddr Addr
	raddr Addr
	// conn, when set, gives the addresses instead (an accepted TCP
	// connection builds them only for an error).
	conn *streamConn
}

func (c *rawConn) addrs() (laddr, raddr Addr) {
	if c.conn != nil {
		return c.conn.localAddr(), c.conn.remoteAddr()
	}
	return c.laddr, c.raddr
}

// Control, Read and Write run the caller's f on the descriptor; f may
// change its flags, so each tells the FD to look (loop.FD.NoteFlags).
func (c *rawConn) Control(f func(uintptr)) error {
	err := c.fd.RawControl(f)
	c.fd.NoteFlags()
	if err != nil {
		laddr, _ := c.addrs()
		return &net.OpError{Op: "raw-control", Net: c.net, Source: nil, Addr: laddr, Err: err}
	}
	return nil
}

func (c *rawConn) Read(f func(uintptr) bool) error {
	if err := c.fd.RawRead(c.noting(f)); err != nil {
		laddr, raddr := c.addrs()
		return &net.OpError{Op: "raw-read", Net: c.net, Source: laddr, Addr: raddr, Err: err}
	}
	return nil
}

func (c *rawConn) Write(f func(uintptr) bool) error {
	if err := c.fd.RawWrite(c.noting(f)); err != nil {
		laddr, raddr := c.addrs()
		return &net.OpError{Op: "raw-write", Net: c.net, Source: laddr, Addr: raddr, Err: err}
	}
	return nil
}

// noting wraps a Read or Write callback so that the FD looks at the flags
// after each call, before it may park or another goroutine's I/O runs.
func (c *rawConn) noting(f func(uintptr) bool) func(uintptr) bool {
	return func(s uintptr) bool {
		done := f(s)
		c.fd.NoteFlags()
		return done
	}
}

// rawListener is a listener's syscall.RawConn: as in the standard library,
// only Control runs; Read and Write fail with EINVAL.
type rawListener struct{ rawConn }

func (*rawListener) Read(func(uintptr) bool) error  { return syscall.EINVAL }
func (*rawListener) Write(func(uintptr) bool) error { return syscall.EINVAL }

// tcpConn is a TCP connection on the loop.
type tcpConn struct {
	streamConn
}

func (c *tcpConn) SetNoDelay(noDelay bool) error {
	v := 0
	if noDelay {
		v = 1
	}
	return c.setsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY, v)
}

func (c *tcpConn) SetKeepAlive(keepalive bool) error {
	v := 0
	if keepalive {
		v = 1
	}
	return c.setsockopt(unix.SOL_SOCKET, unix.SO_KEEPALIVE, v)
}

// SetKeepAlivePeriod sets the idle time before probes, as the stdlib does
// (it leaves SO_KEEPALIVE alone).
func (c *tcpConn) SetKeepAlivePeriod(d time.Duration) error {
	var serr error
	err := c.fd.RawControl(func(s uintptr) { serr = setKeepAliveIdle(int(s), d) })
	if err == nil {
		err = wrapSyscall("setsockopt", serr)
	}
	if err != nil {
		return c.opError("set", err)
	}
	return nil
}

func (c *tcpConn) SetKeepAliveConfig(config KeepAliveConfig) error {
	var serr error
	err := c.fd.RawControl(func(s uintptr) { serr = setKeepAliveConfig(int(s), config) })
	if err == nil {
		err = wrapSyscall("setsockopt", serr)
	}
	if err != nil {
		return c.opError("set", err)
	}
	return nil
}

func (c *tcpConn) MultipathTCP() (bool, error) {
	var ok bool
	err := c.fd.RawControl(func(s uintptr) { ok = usingMPTCP(int(s)) })
	if err != nil {
		return false, c.opError("get", err)
	}
	return ok, nil
}

func (c *tcpConn) SetLinger(sec int) error {
	var l unix.Linger
	if sec >= 0 {
		l.Onoff = 1
		l.Linger = int32(sec)
	}
	var serr error
	err := c.fd.RawControl(func(s uintptr) { serr = unix.SetsockoptLinger(int(s), unix.SOL_SOCKET, unix.SO_LINGER, &l) })
	if err == nil {
		err = wrapSyscall("setsockopt", serr)
	}
	if err != nil {
		return c.opError("set", err)
	}
	return nil
}

// ReadFrom copies r into the connection as the standard library's does:
// splice(2) from a TCP or Unix stream connection, sendfile(2) from a file,
// else a copy through a 32 KiB buffer (see zerocopy_linux.go; the
// zero-copy paths are Linux's only).
func (c *tcpConn) ReadFrom(r io.Reader) (int64, error) {
	n, err := c.readFrom(r)
	if err != nil && err != io.EOF {
		err = c.opError("readfrom", err)
	}
	return n, err
}

// WriteTo copies the connection into w until EOF: splice(2) into a Unix
// stream connection, as the standard library's, else a copy.
func (c *tcpConn) WriteTo(w io.Writer) (int64, error) {
	n, err := c.writeTo(w)
	if err != nil && err != io.EOF {
		err = c.opError("writeto", err)
	}
	return n, err
}

// genericReadFrom and genericWriteTo are the standard library's fallbacks:
// io.Copy, with the connection's own ReadFrom or WriteTo hidden so that
// io.Copy does not call back into it.
func genericReadFrom(c *tcpConn, r io.Reader) (int64, error) {
	return io.Copy(tcpConnWithoutReadFrom{c}, r)
}

func genericWriteTo(c *tcpConn, w io.Writer) (int64, error) {
	return io.Copy(w, tcpConnWithoutWriteTo{c})
}

// tcpConnWithoutReadFrom is the connection as a plain io.Writer.
type tcpConnWithoutReadFrom struct{ c *tcpConn }

func (w tcpConnWithoutReadFrom) Write(p []byte) (int, error) { return w.c.Write(p) }

// tcpConnWithoutWriteTo is the connection as a plain io.Reader. A
// destination's ReadFrom recognises it as this package's TCP connection
// and splices from it, as the standard library's ReadFrom does with its
// own net.tcpConnWithoutWriteTo.
type tcpConnWithoutWriteTo struct{ c *tcpConn }

func (r tcpConnWithoutWriteTo) Read(p []byte) (int, error) { return r.c.Read(p) }

// unixConn is a Unix stream connection on the loop.
type unixConn struct {
	streamConn
}

func (c *unixConn) ReadFrom(b []byte) (int, Addr, error) {
	n, addr, err := c.ReadFromUnix(b)
	if addr == nil {
		return n, nil, err
	}
	return n, addr, err
}

func (c *unixConn) ReadFromUnix(b []byte) (int, *UnixAddr, error) {
	n, _, _, sa, err := c.fd.ReadMsg(b, nil, 0)
	if err == nil && n == 0 && len(b) > 0 {
		err = io.EOF
	}
	if err != nil {
		return 0, nil, c.opError("read", wrapSyscall("recvmsg", err))
	}
	// An unnamed peer has no address, as in the standard library.
	if a := sockaddrToUnix(sa); a != nil && a.Name != "" {
		return n, a, nil
	}
	return n, nil, nil
}

func (c *unixConn) ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *UnixAddr, err error) {
	var sa unix.Sockaddr
	n, oobn, flags, sa, err = c.fd.ReadMsg(b, oob, readMsgFlags)
	if err == nil && n == 0 && oobn == 0 && len(b) > 0 {
		err = io.EOF
	}
	if err == nil && oobn > 0 {
		setReadMsgCloseOnExec(oob[:oobn])
	}
	if err != nil {
		return 0, oobn, flags, nil, c.opError("read", wrapSyscall("recvmsg", err))
	}
	if a := sockaddrToUnix(sa); a != nil && a.Name != "" {
		return n, oobn, flags, a, nil
	}
	return n, oobn, flags, nil, nil
}

// WriteMsgUnix sends as the standard library's does on a stream socket:
// an address goes to the kernel, which refuses it on a connected socket
// (EISCONN).
func (c *unixConn) WriteMsgUnix(b, oob []byte, addr *UnixAddr) (n, oobn int, err error) {
	var sa unix.Sockaddr
	if addr != nil {
		if addr.Net != "unix" {
			return 0, 0, c.writeError(addr, syscall.EAFNOSUPPORT)
		}
		sa = &unix.SockaddrUnix{Name: addr.Name}
	}
	n, oobn, err = c.fd.WriteMsg(b, oob, sa)
	if err != nil {
		return n, oobn, c.writeError(addr, wrapSyscall("sendmsg", err))
	}
	return n, oobn, nil
}

// writeError is the shape of WriteTo's and WriteMsgUnix's errors: the
// destination as Addr, with no typed nil (UnixAddr.opAddr).
func (c *unixConn) writeError(addr *UnixAddr, err error) error {
	var a Addr
	if addr != nil {
		a = addr
	}
	return &net.OpError{Op: "write", Net: c.network(), Source: c.localAddr(), Addr: a, Err: err}
}

func (c *unixConn) WriteTo(b []byte, addr Addr) (int, error) {
	a, ok := addr.(*UnixAddr)
	if !ok {
		return 0, &net.OpError{Op: "write", Net: c.network(), Source: c.localAddr(), Addr: addr, Err: syscall.EINVAL}
	}
	return c.WriteToUnix(b, a)
}

// WriteToUnix fails as the standard library's does on a stream socket: a
// dialed one is connected; on an accepted one a missing address is
// reported, and a given one goes to the kernel, which refuses it.
func (c *unixConn) WriteToUnix(b []byte, addr *UnixAddr) (int, error) {
	switch {
	case c.connected:
		return 0, c.writeError(addr, net.ErrWriteToConnected)
	case addr == nil:
		return 0, c.writeError(addr, errMissingAddress())
	case addr.Net != "unix":
		return 0, c.writeError(addr, syscall.EAFNOSUPPORT)
	}
	n, _, err := c.fd.WriteMsg(b, nil, &unix.SockaddrUnix{Name: addr.Name})
	if err != nil {
		return n, c.writeError(addr, wrapSyscall("sendto", err))
	}
	return n, nil
}

func sockaddrToUnix(sa unix.Sockaddr) *UnixAddr {
	if s, ok := sa.(*unix.SockaddrUnix); ok {
		return &UnixAddr{Name: s.Name, Net: "unix"}
	}
	return nil
}

func init() {
	loop.FDOf = fdOf
	loop.RemoteAddrString = remoteAddrString
}

// remoteAddrString is RemoteAddr().String() for an accepted TCP
// connection on the loop, formatted from its sockaddr (see
// tcpSockaddr.string); false for anything else.
func remoteAddrString(v any) (string, bool) {
	if tc, ok := v.(*TCPConn); ok {
		if c, ok := tc.impl.(*tcpConn); ok && c.tcpAddrs {
			return c.rsa.string()
		}
	}
	return "", false
}

// fdOf returns the loop FD behind this package's connections and
// listeners, or nil where the stdlib serves them.
func fdOf(v any) *loop.FD {
	switch v := v.(type) {
	case *TCPConn:
		if c, ok := v.impl.(*tcpConn); ok {
			return c.fd
		}
	case *UnixConn:
		if c, ok := v.impl.(*unixConn); ok {
			return c.fd
		}
	case *TCPListener:
		if l, ok := v.impl.(*tcpListener); ok {
			return l.fd
		}
	case *UnixListener:
		if l, ok := v.impl.(*unixListener); ok {
			return l.fd
		}
	}
	return nil
}

// errMissingAddress returns the standard library's own "missing address"
// error (unexported there), so that errors.Is against what net returns
// holds. net.DialTCP with no remote address returns it before any I/O.
var errMissingAddress = sync.OnceValue(func() error {
	_, err := net.DialTCP("tcp", nil, nil)
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return errors.New("missing address")
})
