//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/sys/unix"
)

// listener is a listening socket on the loop. The standard library created
// and bound it; fd is a duplicate that the loop accepts on, and the
// standard library's value is closed once fd exists, so a listener holds
// one descriptor, as the standard library's does.
//
// Multiple goroutines may invoke methods on a listener simultaneously;
// every field but unlink is immutable after construction.
type listener struct {
	fd   *loop.FD
	net  string
	addr Addr
	lc   ListenConfig // keep-alive settings for accepted TCP connections

	// unlink says whether Close removes a Unix socket's path, as the
	// standard library's UnixListener does for a socket it created (not
	// for one from FileListener); SetUnlinkOnClose changes it.
	unlink     atomic.Bool
	unlinkOnce sync.Once
}

func (l *listener) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: l.net, Source: nil, Addr: l.addr, Err: err}
}

// accept takes the next connection and registers it on the loop.
func (l *listener) accept() (*loop.FD, unix.Sockaddr, error) {
	ns, rsa, op, err := l.fd.Accept()
	if err != nil {
		return nil, nil, l.acceptError(op, err)
	}
	cfd, err := l.register(ns)
	if err != nil {
		return nil, nil, err
	}
	return cfd, rsa, nil
}

// acceptError is the error of a failed accept: op names the syscall that
// failed, if the error came from one.
func (l *listener) acceptError(op string, err error) error {
	if op != "" {
		err = os.NewSyscallError(op, err)
	}
	return l.opError("accept", err)
}

// register puts an accepted descriptor on the loop, or closes it.
func (l *listener) register(ns int) (*loop.FD, error) {
	cfd, err := loop.Register(ns, true, loop.Accepted)
	if err != nil {
		unix.Close(ns)
		return nil, l.opError("accept", err)
	}
	return cfd, nil
}

func (l *listener) Addr() Addr { return l.addr }

func (l *listener) Close() error {
	// The path goes first, as in the standard library: once the socket is
	// closed, another listener may bind the same path.
	if a, ok := l.addr.(*UnixAddr); ok {
		l.unlinkOnce.Do(func() {
			if l.unlink.Load() && a.Name != "" && a.Name[0] != '@' {
				unix.Unlink(a.Name)
			}
		})
	}
	if err := l.fd.Close(); err != nil {
		return l.opError("close", err)
	}
	return nil
}

func (l *listener) File() (*os.File, error) {
	f, err := dupFile(l.fd, l.net, l.addr, nil)
	if err != nil {
		return nil, l.opError("file", err)
	}
	return f, nil
}

// SetDeadline returns the loop's bare error (net.ErrClosed after Close),
// as the standard library's listeners do.
func (l *listener) SetDeadline(t time.Time) error { return l.fd.SetDeadline(t) }

func (l *listener) SyscallConn() (syscall.RawConn, error) {
	return &rawListener{rawConn{fd: l.fd, net: l.net, laddr: l.addr}}, nil
}

// tcpListener accepts TCP connections on the loop.
type tcpListener struct{ listener }

func (l *tcpListener) AcceptTCP() (*TCPConn, error) {
	ns, peer, op, err := l.fd.AcceptInet()
	if err != nil {
		return nil, l.acceptError(op, err)
	}
	cfd, err := l.register(ns)
	if err != nil {
		return nil, err
	}
	c := &tcpConn{streamConn{fd: cfd, netp: netName(l.net), rsa: tcpSockaddr(peer), tcpAddrs: true}}
	lsa, _ := cfd.LocalInet()
	c.lsa = tcpSockaddr(lsa)
	setAcceptedOptions(c, l.lc)
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
	var lsa unix.Sockaddr
	cfd.RawControl(func(s uintptr) { lsa, _ = unix.Getsockname(int(s)) })
	c := &unixConn{newStreamConn(cfd, l.net, sockaddrToUnix(lsa), sockaddrToUnix(rsa))}
	return &UnixConn{impl: c}, nil
}

func (l *unixListener) SetUnlinkOnClose(unlink bool) { l.unlink.Store(unlink) }

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

// outOfDescriptors reports whether err says that the process or the
// system has no descriptor left for a duplicate.
func outOfDescriptors(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE)
}

// adoptStream moves a stdlib stream connection's socket onto the loop: it
// takes a duplicate of the descriptor and closes the stdlib side, which
// sends nothing to the peer because the socket stays open. With no
// descriptor left for the duplicate it returns served true and leaves c
// open: the caller serves c through the standard library, so a process at
// its descriptor limit can dial and accept what the standard library can.
func adoptStream(c interface {
	net.Conn
	syscall.Conn
}, network string, from origin) (_ streamConn, served bool, _ error) {
	laddr, raddr := c.LocalAddr(), c.RemoteAddr()
	ns, err := dupSocket(c)
	if err != nil && outOfDescriptors(err) {
		return streamConn{}, true, nil
	}
	c.Close()
	if err != nil {
		return streamConn{}, false, &net.OpError{Op: originOp[from], Net: network, Source: laddr, Addr: raddr, Err: err}
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
		return streamConn{}, false, &net.OpError{Op: originOp[from], Net: network, Source: laddr, Addr: raddr, Err: err}
	}
	sc := newStreamConn(fd, network, laddr, raddr)
	sc.connected = from == originDialed
	return sc, false, nil
}

var originOp = map[origin]string{originDialed: "dial", originAccepted: "accept", originAdopted: "file"}

func adoptTCPConnFrom(c *net.TCPConn, network string, from origin) (*TCPConn, error) {
	if loop.Default() == nil {
		return &TCPConn{impl: c}, nil
	}
	sc, served, err := adoptStream(c, network, from)
	if err != nil {
		return nil, err
	}
	if served {
		return &TCPConn{impl: c}, nil
	}
	return &TCPConn{impl: &tcpConn{sc}}, nil
}

func adoptUnixConn(c *net.UnixConn, network string, from origin) (*UnixConn, error) {
	if network != "unix" || loop.Default() == nil {
		return &UnixConn{impl: c}, nil
	}
	sc, served, err := adoptStream(c, network, from)
	if err != nil {
		return nil, err
	}
	if served {
		return &UnixConn{impl: c}, nil
	}
	return &UnixConn{impl: &unixConn{sc}}, nil
}

// adoptListenerFD moves a stdlib listener's socket onto the loop, as
// adoptStream does a connection's; l is closed on success and on error. It
// returns a nil fd, with l still open, where no descriptor is left for the
// duplicate: the caller then serves l through the standard library.
func adoptListenerFD(l interface {
	net.Listener
	syscall.Conn
}, network string) (*loop.FD, error) {
	ns, err := dupSocket(l)
	if err != nil && outOfDescriptors(err) {
		return nil, nil
	}
	if err != nil {
		l.Close()
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: l.Addr(), Err: err}
	}
	fd, err := loop.Register(ns, true, loop.Adopted)
	if err != nil {
		unix.Close(ns)
		l.Close()
		return nil, &net.OpError{Op: "listen", Net: network, Source: nil, Addr: l.Addr(), Err: err}
	}
	l.Close()
	return fd, nil
}

func adoptTCPListener(l *net.TCPListener, network string, lc ListenConfig) (*TCPListener, error) {
	if loop.Default() == nil {
		return &TCPListener{impl: stdTCPListener{l}}, nil
	}
	addr := l.Addr()
	fd, err := adoptListenerFD(l, network)
	if err != nil {
		return nil, err
	}
	if fd == nil {
		return &TCPListener{impl: stdTCPListener{l}}, nil
	}
	return &TCPListener{impl: &tcpListener{listener{fd: fd, net: network, addr: addr, lc: lc}}}, nil
}

// adoptUnixListener moves l onto the loop; unlink says whether its Close
// removes the socket's path (true where the standard library created the
// socket, false for FileListener's).
func adoptUnixListener(l *net.UnixListener, network string, unlink bool) (*UnixListener, error) {
	if network != "unix" || loop.Default() == nil {
		return &UnixListener{impl: stdUnixListener{l}}, nil
	}
	addr := l.Addr()
	// Closing l must leave the path: the loop's duplicate still listens.
	l.SetUnlinkOnClose(false)
	fd, err := adoptListenerFD(l, network)
	if err != nil {
		return nil, err
	}
	if fd == nil {
		l.SetUnlinkOnClose(unlink)
		return &UnixListener{impl: stdUnixListener{l}}, nil
	}
	ul := &unixListener{listener{fd: fd, net: network, addr: addr}}
	ul.unlink.Store(unlink)
	return &UnixListener{impl: ul}, nil
}
