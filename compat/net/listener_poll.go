//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"net"
	"os"
	"syscall"
	"time"

	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/sys/unix"
)

// listener is a listening socket on the loop. The standard library created
// and bound it; std keeps that side open (it unlinks a Unix socket's path
// on Close), and fd is a duplicate that the loop accepts on.
//
// Multiple goroutines may invoke methods on a listener simultaneously;
// every field is immutable after construction.
type listener struct {
	fd   *loop.FD
	std  net.Listener
	net  string
	addr Addr
	lc   ListenConfig // keep-alive settings for accepted TCP connections
}

func (l *listener) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: l.net, Source: nil, Addr: l.addr, Err: err}
}

// accept takes the next connection and registers it on the loop.
func (l *listener) accept() (*loop.FD, unix.Sockaddr, error) {
	ns, rsa, op, err := l.fd.Accept()
	if err != nil {
		if op != "" {
			err = os.NewSyscallError(op, err)
		}
		return nil, nil, l.opError("accept", err)
	}
	cfd, err := loop.Register(ns, true, loop.Accepted)
	if err != nil {
		unix.Close(ns)
		return nil, nil, l.opError("accept", err)
	}
	return cfd, rsa, nil
}

func (l *listener) Addr() Addr { return l.addr }

func (l *listener) Close() error {
	if err := l.fd.Close(); err != nil {
		return l.opError("close", err)
	}
	return l.std.Close()
}

func (l *listener) File() (*os.File, error) {
	f, err := dupFile(l.fd)
	if err != nil {
		return nil, l.opError("file", err)
	}
	return f, nil
}

func (l *listener) SetDeadline(t time.Time) error {
	if err := l.fd.SetDeadline(t); err != nil {
		return l.opError("set", err)
	}
	return nil
}

func (l *listener) SyscallConn() (syscall.RawConn, error) {
	return &rawConn{fd: l.fd, net: l.net, laddr: l.addr}, nil
}

// tcpListener accepts TCP connections on the loop.
type tcpListener struct{ listener }

func (l *tcpListener) AcceptTCP() (*TCPConn, error) {
	cfd, rsa, err := l.accept()
	if err != nil {
		return nil, err
	}
	c := &tcpConn{streamConn{fd: cfd, net: l.net, raddr: sockaddrToTCP(rsa)}}
	var lsa unix.Sockaddr
	cfd.RawControl(func(s uintptr) { lsa, _ = unix.Getsockname(int(s)) })
	c.laddr = sockaddrToTCP(lsa)
	// The standard library turns Nagle off and keep-alive on (15 s unless
	// the ListenConfig says otherwise) for every accepted connection.
	if err := setAcceptedOptions(c, l.lc); err != nil {
		c.Close()
		return nil, l.opError("accept", err)
	}
	return &TCPConn{impl: c}, nil
}

// unixListener accepts Unix stream connections on the loop.
type unixListener struct {
	listener
}

func (l *unixListener) AcceptUnix() (*UnixConn, error) {
	cfd, rsa, err := l.accept()
	if err != nil {
		return nil, err
	}
	c := &unixConn{streamConn{fd: cfd, net: l.net, raddr: sockaddrToUnix(rsa)}}
	var lsa unix.Sockaddr
	cfd.RawControl(func(s uintptr) { lsa, _ = unix.Getsockname(int(s)) })
	c.laddr = sockaddrToUnix(lsa)
	return &UnixConn{impl: c}, nil
}

func (l *unixListener) SetUnlinkOnClose(unlink bool) {
	l.std.(*net.UnixListener).SetUnlinkOnClose(unlink)
}

// dupSocket returns a close-on-exec duplicate of a stdlib socket's
// descriptor; the stdlib value keeps its own.
func dupSocket(sc syscall.Conn) (int, error) {
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	ns, derr := -1, error(nil)
	if err := rc.Control(func(s uintptr) { ns, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return -1, err
	}
	return ns, wrapSyscall("dup", derr)
}

// adoptStream moves a stdlib stream connection's socket onto the loop: it
// takes a duplicate of the descriptor and closes the stdlib side, which
// sends nothing to the peer because the socket stays open.
func adoptStream(c interface {
	net.Conn
	syscall.Conn
}, network string, from origin) (streamConn, error) {
	laddr, raddr := c.LocalAddr(), c.RemoteAddr()
	ns, err := dupSocket(c)
	c.Close()
	if err != nil {
		return streamConn{}, &net.OpError{Op: originOp[from], Net: network, Source: laddr, Addr: raddr, Err: err}
	}
	lo := loop.Dialed
	switch from {
	case originAccepted:
		lo = loop.Accepted
	case originAdopted:
		lo = loop.Adopted
	}
	fd, err := loop.Register(ns, true, lo)
	if err != nil {
		unix.Close(ns)
		return streamConn{}, &net.OpError{Op: originOp[from], Net: network, Source: laddr, Addr: raddr, Err: err}
	}
	return streamConn{fd: fd, net: network, laddr: laddr, raddr: raddr}, nil
}

var originOp = map[origin]string{originDialed: "dial", originAccepted: "accept", originAdopted: "file"}

func adoptTCPConnFrom(c *net.TCPConn, network string, from origin) (*TCPConn, error) {
	if loop.Default() == nil {
		return &TCPConn{impl: c}, nil
	}
	sc, err := adoptStream(c, network, from)
	if err != nil {
		return nil, err
	}
	return &TCPConn{impl: &tcpConn{sc}}, nil
}

func adoptUnixConn(c *net.UnixConn, network string, from origin) (*UnixConn, error) {
	if network != "unix" || loop.Default() == nil {
		return &UnixConn{impl: c}, nil
	}
	sc, err := adoptStream(c, network, from)
	if err != nil {
		return nil, err
	}
	return &UnixConn{impl: &unixConn{sc}}, nil
}

func adoptListenerFD(l interface {
	net.Listener
	syscall.Conn
}, network string) (listener, error) {
	ns, err := dupSocket(l)
	if err != nil {
		l.Close()
		return listener{}, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: l.Addr(), Err: err}
	}
	fd, err := loop.Register(ns, true, loop.Adopted)
	if err != nil {
		unix.Close(ns)
		l.Close()
		return listener{}, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: l.Addr(), Err: err}
	}
	return listener{fd: fd, std: l, net: network, addr: l.Addr()}, nil
}

func adoptTCPListener(l *net.TCPListener, network string, lc ListenConfig) (*TCPListener, error) {
	if loop.Default() == nil {
		return &TCPListener{impl: stdTCPListener{l}}, nil
	}
	ln, err := adoptListenerFD(l, network)
	if err != nil {
		return nil, err
	}
	ln.lc = lc
	return &TCPListener{impl: &tcpListener{ln}}, nil
}

func adoptUnixListener(l *net.UnixListener, network string) (*UnixListener, error) {
	if network != "unix" || loop.Default() == nil {
		return &UnixListener{impl: stdUnixListener{l}}, nil
	}
	ln, err := adoptListenerFD(l, network)
	if err != nil {
		return nil, err
	}
	return &UnixListener{impl: &unixListener{ln}}, nil
}
