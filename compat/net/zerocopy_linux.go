package net

import (
	"errors"
	"io"
	"net"
	"reflect"
	"runtime"
	"sync"
	"syscall"

	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/sys/unix"
)

// The zero-copy paths of TCPConn.ReadFrom and WriteTo, as the standard
// library takes them on Linux (src/net/splice_linux.go, sendfile.go and
// internal/poll's splice_linux.go and sendfile_unix.go): the same sources
// and destinations, the same limits, offsets and fallbacks, and the same
// counts and errors. The socket is the loop's: where the kernel answers
// EAGAIN the call parks on the loop (FD.RawWrite, FD.RawRead) as Write
// does, so the write deadline and Close apply. A socket or file on the
// other side that is not the loop's is waited for through its own
// syscall.RawConn, as the standard library waits for it.

func (c *tcpConn) readFrom(r io.Reader) (int64, error) {
	if n, err, handled := spliceFrom(c, r); handled {
		return n, err
	}
	if n, err, handled := sendFile(c, r); handled {
		return n, err
	}
	return genericReadFrom(c, r)
}

func (c *tcpConn) writeTo(w io.Writer) (int64, error) {
	if n, err, handled := spliceTo(w, c); handled {
		return n, err
	}
	return genericWriteTo(c, w)
}

// sendFile copies r, an *os.File (or anything with a file's
// syscall.RawConn, such as the wrapper os.File's WriteTo hands io.Copy),
// or an *io.LimitedReader around one, with sendfile(2). It starts at the
// file's offset and moves it on by the bytes sent; a LimitedReader's N
// goes down by as many.
//
// If handled is false, sendFile did nothing and the caller copies.
func sendFile(c *tcpConn, r io.Reader) (written int64, err error, handled bool) {
	var remain int64 // 0: to the end of the file
	lr, ok := r.(*io.LimitedReader)
	if ok {
		remain, r = lr.N, lr.R
		if remain <= 0 {
			return 0, nil, true
		}
	}
	f, ok := r.(syscall.Conn)
	if !ok {
		return 0, nil, false
	}
	sc, err := f.SyscallConn()
	if err != nil {
		return 0, nil, false
	}
	var werr error
	err = sc.Read(func(fd uintptr) bool {
		written, werr, handled = sendFileFD(c.fd, int(fd), remain)
		return true
	})
	if err == nil {
		err = werr
	}
	if lr != nil {
		lr.N = remain - written
	}
	return written, wrapSyscall("sendfile", err), handled
}

// sendFileFD is internal/poll's SendFile for a loop socket: it sends size
// bytes of src (all of it for 0) from its offset, parking on the loop
// while the socket's buffer is full.
func sendFileFD(dst *loop.FD, src int, size int64) (written int64, err error, handled bool) {
	called := false
	werr := dst.RawWrite(func(s uintptr) bool {
		called = true
		for {
			chunk := 1<<31 - 1 // fits an int32 on every kernel
			if size > 0 {
				chunk = int(min(size-written, int64(chunk)))
			}
			n, serr := syscall.Sendfile(int(s), src, nil, chunk)
			if n > 0 {
				written += int64(n)
				dst.CountOut(int64(n))
				loop.CountSendfile(int64(n))
			}
			switch serr {
			case nil:
				// Done at the end of the file (nothing sent) or of size.
				if n == 0 || (size > 0 && written >= size) {
					handled = true
					return true
				}
			case syscall.EAGAIN:
				if size > 0 && written >= size {
					handled = true
					return true
				}
				return false // park until writable, then go on
			case syscall.EINTR:
			case syscall.ENOSYS, syscall.EOPNOTSUPP, syscall.EINVAL:
				// No sendfile for this kind of file: the caller copies,
				// unless some bytes went already.
				err, handled = serr, written > 0
				return true
			default:
				err, handled = serr, true
				return true
			}
		}
	})
	if werr != nil {
		// The socket was closed, or its write deadline passed, before the
		// first sendfile (nothing done: the caller copies and fails as a
		// write would) or while parked.
		return written, werr, called
	}
	return written, err, handled
}

// spliceFrom copies r, a TCP or Unix stream connection (this package's or
// the standard library's), or an *io.LimitedReader around one, with
// splice(2) through a pipe.
//
// If handled is false, spliceFrom did nothing and the caller tries the
// next way.
func spliceFrom(c *tcpConn, r io.Reader) (written int64, err error, handled bool) {
	var remain int64 = 1<<63 - 1 // to EOF
	lr, ok := r.(*io.LimitedReader)
	if ok {
		remain, r = lr.N, lr.R
		if remain <= 0 {
			return 0, nil, true
		}
	}
	src := spliceSource(r)
	if src == nil {
		return 0, nil, false
	}
	written, handled, err = splice(loopRaw{c.fd, true}, src, remain)
	if lr != nil {
		lr.N -= written
	}
	return written, wrapSyscall("splice", err), handled
}

// spliceTo copies the connection into w, a Unix stream connection (this
// package's or the standard library's), with splice(2), as the standard
// library's TCPConn.WriteTo does.
func spliceTo(w io.Writer, c *tcpConn) (written int64, err error, handled bool) {
	var dst rawIO
	switch w := w.(type) {
	case *UnixConn:
		dst = unixStream(w)
	case *net.UnixConn:
		dst = unixStream(w)
	}
	if dst == nil {
		return 0, nil, false
	}
	written, handled, err = splice(dst, loopRaw{c.fd, false}, 1<<63-1)
	return written, wrapSyscall("splice", err), handled
}

// rawIO is the part of syscall.RawConn that splice needs, with the errors
// bare (net.ErrClosed, os.ErrDeadlineExceeded, an errno), as internal/poll
// has them.
type rawIO interface {
	read(f func(fd uintptr) bool) error
	write(f func(fd uintptr) bool) error
	// moved counts n bytes taken from (in) or put into (!in) the socket.
	moved(n int, in bool)
}

// loopRaw is a socket on the loop. counted says which direction's bytes
// the loop's stats count (its role in the splice).
type loopRaw struct {
	fd      *loop.FD
	counted bool
}

func (l loopRaw) read(f func(uintptr) bool) error  { return l.fd.RawRead(f) }
func (l loopRaw) write(f func(uintptr) bool) error { return l.fd.RawWrite(f) }
func (l loopRaw) moved(n int, in bool) {
	if in {
		l.fd.CountIn(int64(n))
	} else {
		l.fd.CountOut(int64(n))
	}
}

// foreignRaw is a socket served by the standard library (or any other
// syscall.RawConn): it waits in the runtime's poller.
type foreignRaw struct{ rc syscall.RawConn }

func (f foreignRaw) read(fn func(uintptr) bool) error  { return bareRawError(f.rc.Read(fn)) }
func (f foreignRaw) write(fn func(uintptr) bool) error { return bareRawError(f.rc.Write(fn)) }
func (foreignRaw) moved(int, bool)                     {}

// bareRawError unwraps the *net.OpError that a RawConn's Read and Write
// wrap their errors in, the standard library's and this package's alike.
func bareRawError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && (oe.Op == "raw-read" || oe.Op == "raw-write") {
		return oe.Err
	}
	return err
}

// spliceSource returns r's socket if splice may read it: the standard
// library's rule, a TCP connection or a Unix one of type "unix" (stream).
func spliceSource(r io.Reader) rawIO {
	switch r := r.(type) {
	case *TCPConn:
		if !r.ok() {
			return nil
		}
		if lc, ok := r.impl.(*tcpConn); ok {
			return loopRaw{lc.fd, false}
		}
		return syscallSource(r.impl)
	case tcpConnWithoutWriteTo:
		return loopRaw{r.c.fd, false}
	case *net.TCPConn:
		return syscallSource(r)
	case *UnixConn:
		return unixStream(r)
	case *net.UnixConn:
		return unixStream(r)
	}
	if c := stdTCPConnWithoutWriteTo(r); c != nil {
		return syscallSource(c)
	}
	return nil
}

func syscallSource(c syscall.Conn) rawIO {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil
	}
	return foreignRaw{rc}
}

// unixStream returns c's socket if it is a stream one ("unix"; not
// "unixpacket", which the standard library does not splice).
func unixStream(c interface {
	SyscallConn() (syscall.RawConn, error)
}) rawIO {
	if uc, ok := c.(*UnixConn); ok {
		if !uc.ok() {
			return nil
		}
		if lc, ok := uc.impl.(*unixConn); ok {
			return loopRaw{lc.fd, false}
		}
	} else if uc, ok := c.(*net.UnixConn); ok && uc == nil {
		return nil
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return nil
	}
	typ := -1
	if rc.Control(func(fd uintptr) { typ, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TYPE) }) != nil ||
		typ != unix.SOCK_STREAM {
		return nil
	}
	return foreignRaw{rc}
}

// stdTCPConnWithoutWriteTo finds the *net.TCPConn in the wrapper that the
// standard library's TCPConn.WriteTo hands io.Copy (and so a
// destination's ReadFrom): net.tcpConnWithoutWriteTo, unexported, which
// embeds *net.TCPConn. The standard library's spliceFrom names that type;
// reflection is the only way to name it here. io.Copy(compatConn,
// stdlibConn) takes this path.
func stdTCPConnWithoutWriteTo(r io.Reader) *net.TCPConn {
	t := reflect.TypeOf(r)
	if t == nil || t.Kind() != reflect.Struct || t.PkgPath() != "net" || t.Name() != "tcpConnWithoutWriteTo" {
		return nil
	}
	f := reflect.ValueOf(r).FieldByName("TCPConn")
	if !f.IsValid() || !f.CanInterface() {
		return nil
	}
	c, _ := f.Interface().(*net.TCPConn)
	return c
}

const (
	spliceNonblock = 0x2     // SPLICE_F_NONBLOCK: the pipe ends do not block
	maxSpliceSize  = 1 << 20 // one pipe's worth (the default pipe-max-size)
)

// splice moves up to remain bytes from src to dst through a pipe, as
// internal/poll's Splice: fill the pipe from src (parking for
// readability), empty it into dst (parking for writability), until EOF,
// remain or an error. handled is false only when nothing could start: no
// pipe, or EINVAL from the first splice (the kernel cannot splice this
// source); then no byte was consumed.
func splice(dst, src rawIO, remain int64) (written int64, handled bool, err error) {
	p := getPipe()
	if p == nil {
		return 0, false, syscall.EINVAL
	}
	defer putPipe(p)
	var inPipe, n int
	for err == nil && remain > 0 {
		max := maxSpliceSize
		if int64(max) > remain {
			max = int(remain)
		}
		inPipe, err = spliceDrain(p.wfd, src, max)
		handled = handled || err != syscall.EINVAL
		if err != nil || inPipe == 0 {
			break
		}
		p.data += inPipe
		n, err = splicePump(dst, p.rfd, inPipe)
		if n > 0 {
			written += int64(n)
			remain -= int64(n)
			p.data -= n
			loop.CountSplice(int64(n))
		}
	}
	if err != nil {
		return written, handled, err
	}
	return written, true, nil
}

// spliceDrain moves up to max bytes from the socket into the empty pipe;
// (0, nil) is the socket's EOF.
func spliceDrain(pipefd int, sock rawIO, max int) (int, error) {
	var n int
	var serr error
	err := sock.read(func(fd uintptr) bool {
		for {
			// Splice's count is an int64 on 64-bit platforms and an
			// int on 32-bit ones.
			m, e := syscall.Splice(int(fd), nil, pipefd, nil, max, spliceNonblock)
			serr = e
			if serr == syscall.EINTR {
				continue
			}
			n = int(m)
			// The pipe is empty, so EAGAIN means the socket has nothing.
			return serr != syscall.EAGAIN
		}
	})
	if err != nil {
		return 0, err
	}
	if serr != nil {
		return 0, serr
	}
	sock.moved(n, true)
	return n, nil
}

// splicePump moves the inPipe bytes in the pipe into the socket.
func splicePump(sock rawIO, pipefd int, inPipe int) (int, error) {
	written := 0
	var serr error
	err := sock.write(func(fd uintptr) bool {
		for inPipe > 0 {
			m, e := syscall.Splice(pipefd, nil, int(fd), nil, inPipe, spliceNonblock)
			if e == syscall.EINTR {
				continue
			}
			if m > 0 {
				inPipe -= int(m)
				written += int(m)
				continue
			}
			if e != syscall.EAGAIN {
				serr = e
				return true
			}
			return false // park until writable
		}
		return true
	})
	sock.moved(written, false)
	if err == nil {
		err = serr
	}
	return written, err
}

// splicePipe is a pipe for splice, pooled: a pipe that still holds data
// (after an error) is closed instead.
type splicePipe struct {
	rfd, wfd int
	data     int // bytes in the pipe
}

var splicePipes = sync.Pool{New: func() any {
	p := newPipe()
	if p == nil {
		return nil
	}
	// The pool drops pipes at GC without telling: close them then.
	// (runtime.AddCleanup would do, from Go 1.24.)
	runtime.SetFinalizer(p, destroyPipe)
	return p
}}

func getPipe() *splicePipe {
	p, _ := splicePipes.Get().(*splicePipe)
	return p
}

func putPipe(p *splicePipe) {
	if p.data != 0 {
		runtime.SetFinalizer(p, nil)
		destroyPipe(p)
		return
	}
	splicePipes.Put(p)
}

func newPipe() *splicePipe {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return nil
	}
	// A pipe as large as one splice moves; a smaller one (the kernel may
	// refuse) only costs more syscalls.
	unix.FcntlInt(uintptr(fds[0]), unix.F_SETPIPE_SZ, maxSpliceSize)
	return &splicePipe{rfd: fds[0], wfd: fds[1]}
}

func destroyPipe(p *splicePipe) {
	syscall.Close(p.rfd)
	syscall.Close(p.wfd)
}
