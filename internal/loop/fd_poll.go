//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Origin says where a descriptor came from, for Stats.
type Origin int

const (
	Accepted Origin = iota // accepted by a listener on the loop
	Dialed                 // connected by the standard dialer, then moved here
	Adopted                // anything else: a listener, a FileConn
)

// FD is a non-blocking socket driven by the loop, in the model of gevent's
// sockets and of Go's internal/poll.FD: the caller's goroutine makes the
// syscall, and where the kernel answers EAGAIN it parks until its reactor
// reports readiness, the deadline passes or the FD is closed.
//
// Multiple goroutines may invoke methods on an FD simultaneously. Reads are
// serialized with each other, as are writes, so each Write is atomic.
//
// Errors returned are bare: net.ErrClosed, os.ErrDeadlineExceeded, io.EOF
// or a syscall.Errno. Callers wrap them in the standard library's shapes.
type FD struct {
	pd *pollDesc

	refs fdRefs

	destroyMu   sync.Mutex
	destroyWait chan struct{} // guarded by destroyMu: made by a Close that must wait
	// closeErr points to close(2)'s error, if any; set before destroyed.
	// A pointer, made only on an error, where an error would take 16
	// bytes: 8 less let an FD fit the 80-byte size class (see stream).
	closeErr *error

	rmu sync.Mutex // serializes readers and accepters
	wmu sync.Mutex // serializes writers
	rd  deadlineRef
	wd  deadlineRef

	// blocking is set once the socket may be in blocking mode: DupBlocking
	// put it there, Dup gave a duplicate to code that may, or a RawConn
	// callback left it so (NoteFlags). A syscall may then sleep in the
	// kernel where no wake-up reaches it, so Close no longer waits for the
	// syscalls in progress (the last of them closes the descriptor), as
	// internal/poll does for a blocking FD, and reads and writes tell the
	// scheduler (sysio_raw.go).
	blocking atomic.Bool

	// The small fields come last, so that an FD fits the 80-byte size
	// class: every connection holds one while open (issue 11 counts RSS
	// per idle connection).
	stream    bool // immutable: a zero-byte read is EOF
	destroyed bool // guarded by destroyMu: close(2) has run
}

// Register moves the non-blocking descriptor fd onto the default loop,
// starting it if it is idle. The FD owns fd from then on: Close closes it,
// and until then it keeps the loop running. stream says whether a zero-byte
// read means EOF (stream sockets) or an empty datagram.
func Register(fd int, stream bool, origin Origin) (*FD, error) {
	// The FD is a user of the instance until destroy releases it.
	var r *reactor
	var pd *pollDesc
	for {
		in, err := defaultLoop.acquire()
		if err != nil {
			return nil, err
		}
		r = in.pick()
		pd = newPollDesc(fd, r)
		err = r.register(pd)
		if err == nil {
			break
		}
		in.release()
		if err != errLoopClosed {
			return nil, err
		}
		// A Shutdown stopped the instance under us: the next one takes it.
	}
	switch origin {
	case Accepted:
		r.counters.accepted.Add(1)
	case Dialed:
		r.counters.dialed.Add(1)
	default:
		r.counters.adopted.Add(1)
	}
	f := &FD{pd: pd, stream: stream}
	// An FD dropped without Close is closed when it is collected, as the
	// standard library's netFD is. Nothing on the loop refers to an FD
	// (the reactor's table holds its pollDesc), so a dropped one is
	// collectable (an armed deadline timer refers to the deadline, not to the
	// FD). runtime.AddCleanup
	// would serve too, but needs Go 1.24.
	runtime.SetFinalizer(f, (*FD).Close)
	return f, nil
}

// sysfd is the descriptor number, which the pollDesc holds (an FD does
// not repeat it: every open connection holds an FD, and issue 11 counts
// RSS per idle connection). Use it only while holding a reference (inside
// the methods below): it is reused once the FD is destroyed.
func (fd *FD) sysfd() int { return int(fd.pd.fd) }

// fdRefs counts the goroutines using an FD and records its closing, like
// internal/poll's fdMutex: the descriptor is closed by whoever drops the
// last reference after Close, so a concurrent syscall never sees its number
// reused.
type fdRefs struct{ v atomic.Uint64 }

const refClosed = 1 << 63

func (m *fdRefs) incref() bool {
	for {
		v := m.v.Load()
		if v&refClosed != 0 {
			return false
		}
		if m.v.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// closeAndIncref marks the FD closed and takes a reference; it fails if the
// FD was closed already.
func (m *fdRefs) closeAndIncref() bool {
	for {
		v := m.v.Load()
		if v&refClosed != 0 {
			return false
		}
		if m.v.CompareAndSwap(v, (v|refClosed)+1) {
			return true
		}
	}
}

// decref drops a reference and reports whether it was the last one of a
// closed FD.
func (m *fdRefs) decref() bool { return m.v.Add(^uint64(0)) == refClosed }

func (fd *FD) incref() error {
	if !fd.refs.incref() {
		return net.ErrClosed
	}
	return nil
}

func (fd *FD) decref() {
	if fd.refs.decref() {
		fd.destroy()
	}
}

func (fd *FD) readLock() error {
	if err := fd.incref(); err != nil {
		return err
	}
	fd.rmu.Lock()
	return nil
}

func (fd *FD) readUnlock() {
	fd.rmu.Unlock()
	fd.decref()
}

func (fd *FD) writeLock() error {
	if err := fd.incref(); err != nil {
		return err
	}
	fd.wmu.Lock()
	return nil
}

func (fd *FD) writeUnlock() {
	fd.wmu.Unlock()
	fd.decref()
}

func (fd *FD) destroy() {
	fd.rd.stop()
	fd.wd.stop()
	fd.pd.r.unregister(fd.pd)
	fd.pd.r.in.release()
	if err := unix.Close(fd.sysfd()); err != nil {
		e := err // only a failed close allocates (&err would make every close allocate)
		fd.closeErr = &e
	}
	fd.destroyMu.Lock()
	fd.destroyed = true
	if fd.destroyWait != nil {
		close(fd.destroyWait)
	}
	fd.destroyMu.Unlock()
}

// Close wakes every blocked call (they return net.ErrClosed), waits until
// no goroutine is inside a syscall on the descriptor, and closes it. Bytes
// that Write accepted are in the kernel's send buffer by then, and the
// kernel delivers them (or lingers, per SO_LINGER) as it does for the
// standard library.
func (fd *FD) Close() error {
	if !fd.refs.closeAndIncref() {
		return net.ErrClosed
	}
	runtime.SetFinalizer(fd, nil)
	fd.pd.evict()
	fd.decref()
	if fd.blocking.Load() {
		return nil
	}
	// Wait, if another goroutine still holds a reference, for it to let go.
	fd.destroyMu.Lock()
	if !fd.destroyed {
		if fd.destroyWait == nil {
			fd.destroyWait = make(chan struct{})
		}
		ch := fd.destroyWait
		fd.destroyMu.Unlock()
		<-ch
		fd.destroyMu.Lock()
	}
	errp := fd.closeErr
	fd.destroyMu.Unlock()
	if errp != nil {
		return *errp
	}
	return nil
}

// prepare checks, before a syscall, what the standard library checks:
// closed first, then an expired deadline.
func (fd *FD) prepare(d *deadlineRef) error {
	if fd.pd.isClosing() {
		return net.ErrClosed
	}
	if d.expired() {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// wait parks until a token comes on the direction's channel (readiness,
// closing, a new deadline) or the deadline passes. nil means: retry the
// syscall.
func (fd *FD) wait(w *atomic.Pointer[chan struct{}], d *deadlineRef) error {
	ch, made := wakeChan(w)
	if made {
		return nil // retry once: an edge may have come before the channel
	}
	if fd.pd.isClosing() {
		return net.ErrClosed
	}
	fd.pd.r.counters.parks.Add(1)
	select {
	case <-ch:
	case <-d.wait():
	}
	if fd.pd.isClosing() {
		return net.ErrClosed
	}
	if d.expired() {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// maxRW caps one read or write syscall, as internal/poll does, so a huge
// buffer does not trip kernels that reject counts over 1 GiB.
const maxRW = 1 << 30

// rawIOMax is the largest read or write made with a raw syscall where the
// build makes them (sysio_raw.go): a copy this size takes microseconds,
// less than a time slice.
const rawIOMax = 64 << 10

// Read implements io.Reader.
func (fd *FD) Read(p []byte) (int, error) {
	if err := fd.readLock(); err != nil {
		return 0, err
	}
	defer fd.readUnlock()
	if len(p) == 0 {
		return 0, nil
	}
	if err := fd.prepare(&fd.rd); err != nil {
		return 0, err
	}
	if fd.stream && len(p) > maxRW {
		p = p[:maxRW]
	}
	for {
		n, err := fd.sysRead(p)
		if err != nil {
			n = 0
			if err == unix.EAGAIN {
				if err = fd.wait(&fd.pd.rwake, &fd.rd); err == nil {
					continue
				}
			}
		} else {
			fd.pd.r.counters.bytesIn.Add(uint64(n))
		}
		if n == 0 && err == nil && fd.stream {
			err = io.EOF
		}
		return n, err
	}
}

// Write implements io.Writer. It returns only when all of p is in the
// kernel's send buffer, or with an error and the count written.
func (fd *FD) Write(p []byte) (int, error) {
	if err := fd.writeLock(); err != nil {
		return 0, err
	}
	defer fd.writeUnlock()
	if err := fd.prepare(&fd.wd); err != nil {
		return 0, err
	}
	var nn int
	for {
		max := len(p)
		if fd.stream && max-nn > maxRW {
			max = nn + maxRW
		}
		n, err := fd.sysWrite(p[nn:max])
		if n > 0 {
			nn += n
			fd.pd.r.counters.bytesOut.Add(uint64(n))
		}
		if nn == len(p) {
			return nn, err
		}
		if err == unix.EAGAIN {
			rest := int64(len(p) - nn)
			fd.pd.r.counters.queued.Add(rest)
			err = fd.wait(&fd.pd.wwake, &fd.wd)
			fd.pd.r.counters.queued.Add(-rest)
			if err == nil {
				continue
			}
		}
		if err != nil {
			return nn, err
		}
		if n == 0 {
			return nn, io.ErrUnexpectedEOF
		}
	}
}

// Accept accepts a connection on a listening FD. The new descriptor is
// non-blocking and close-on-exec. op names the failing syscall for callers
// that wrap the error.
func (fd *FD) Accept() (nfd int, sa unix.Sockaddr, op string, err error) {
	return acceptOn(fd, accept)
}

// AcceptInet is Accept for an IPv4 or IPv6 listener: the peer's address
// comes back by value, and on most Linux platforms nothing is allocated
// (sockcalls_direct.go).
func (fd *FD) AcceptInet() (nfd int, peer InetAddr, op string, err error) {
	return acceptOn(fd, acceptInet)
}

// acceptOn calls try, one accept(2) that returns the peer's address as an
// A, until it takes a connection: it retries where the standard library
// does and parks on the loop while no connection waits.
func acceptOn[A any](fd *FD, try func(s int) (int, A, string, error)) (nfd int, peer A, op string, err error) {
	if err := fd.readLock(); err != nil {
		return -1, peer, "", err
	}
	defer fd.readUnlock()
	if err := fd.prepare(&fd.rd); err != nil {
		return -1, peer, "", err
	}
	for {
		s, a, op, err := try(fd.sysfd())
		if err == nil {
			return s, a, "", nil
		}
		switch err {
		case unix.EINTR, unix.ECONNABORTED:
			// A connection reset before we took it, or a signal: the
			// standard library retries both.
			continue
		case unix.EAGAIN:
			if err = fd.wait(&fd.pd.rwake, &fd.rd); err == nil {
				continue
			}
			return -1, peer, "", err
		}
		return -1, peer, op, err
	}
}

// LocalInet returns the socket's own IPv4 or IPv6 address
// (getsockname(2)), by value.
func (fd *FD) LocalInet() (InetAddr, error) {
	if err := fd.incref(); err != nil {
		return InetAddr{}, err
	}
	defer fd.decref()
	return getsocknameInet(fd.sysfd())
}

// TryRead reads what the kernel has without parking: ErrWouldPark means
// nothing is there. It is safe on a reactor goroutine, where Read is not.
func (fd *FD) TryRead(p []byte) (int, error) {
	if err := fd.incref(); err != nil {
		return 0, err
	}
	defer fd.decref()
	if !fd.rmu.TryLock() {
		// Another reader is active; its wake-ups cover this data.
		return 0, ErrWouldPark
	}
	defer fd.rmu.Unlock()
	n, err := fd.sysRead(p)
	switch {
	case err == unix.EAGAIN:
		return 0, ErrWouldPark
	case err != nil:
		return 0, err
	case n == 0 && len(p) > 0 && fd.stream:
		return 0, io.EOF
	}
	fd.pd.r.counters.bytesIn.Add(uint64(n))
	return n, nil
}

// PeekClosed reports, without parking or consuming anything, whether the
// peer has closed or reset the connection: a read would return EOF or an
// error rather than data or EAGAIN. compat/http calls it on the loop to
// cancel a request whose client went away, as net/http's background read
// does.
func (fd *FD) PeekClosed() bool {
	if err := fd.incref(); err != nil {
		return true
	}
	defer fd.decref()
	var b [1]byte
	for {
		n, err := peek(fd.sysfd(), b[:])
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return false
		case err != nil:
			return true
		}
		return n == 0 && fd.stream
	}
}

// OnReadable hands the descriptor's read readiness to h, whose ReadReady
// then runs on the reactor goroutine for every readable or hang-up event
// instead of waking a parked reader, with the event's flags; nil gives
// readiness back to readers. Because readiness is edge-triggered, setting
// h also posts one call of ReadReady with ReadUnknown, so data that
// arrived before is not missed.
//
// A descriptor takes one handler for its life: every non-nil h must equal
// the first (it panics otherwise), and the first call with a handler must
// happen before any other call (later ones may race: they only flip a
// flag).
func (fd *FD) OnReadable(h ReadHandler) error {
	pd := fd.pd
	if h == nil {
		pd.clearFlag(pdReadHandled)
		// A reader may park next: give it a look at what came meanwhile.
		pd.poke(&pd.rwake)
		return nil
	}
	switch pd.rh {
	case nil:
		pd.rh = h // published by setFlag; the reactor reads rh only after the flag
	case h:
	default:
		panic("loop: FD.OnReadable with a second handler")
	}
	pd.setFlag(pdReadHandled)
	return pd.r.post(func() {
		if h := pd.readHandler(); h != nil {
			h.ReadReady(ReadUnknown)
		}
	})
}

// DropReadHandler gives the read readiness back to readers for good, as
// OnReadable(nil) does, and forgets the handler, so that it no longer
// keeps what it refers to reachable: a handler that refers to the FD
// would keep a dropped FD from being collected, and its finalizer from
// closing the descriptor (compat/http calls it when a connection leaves
// the loop for a hijacker or net/http). The handler is forgotten on the
// reactor goroutine, after any call of it in progress. OnReadable must
// not be given a handler after it.
func (fd *FD) DropReadHandler() {
	pd := fd.pd
	fd.OnReadable(nil)
	// rh is read on the reactor goroutine, and by OnReadable's caller
	// before this call: posting orders the write after both. A stopped
	// reactor calls nothing any more, and its table is gone.
	_ = pd.r.post(func() { pd.rh = nil })
}

// ReleaseTimers clears both deadlines and frees the FD's timers and wake
// channels, for a descriptor about to sit idle for long with nobody waiting
// on it: compat/http calls it when it parks a keep-alive connection. The
// next waiter makes a new channel and retries its syscall, so nothing is
// missed.
func (fd *FD) ReleaseTimers() {
	fd.rd.release()
	fd.wd.release()
	// A wake channel is made only by a reader or writer that parked; most
	// requests have none, and the locks are then not taken.
	if fd.pd.rwake.Load() != nil && fd.rmu.TryLock() {
		fd.pd.rwake.Store(nil)
		fd.rmu.Unlock()
	}
	if fd.pd.wwake.Load() != nil && fd.wmu.TryLock() {
		fd.pd.wwake.Store(nil)
		fd.wmu.Unlock()
	}
}

// OnLoop reports whether the caller runs on this FD's reactor goroutine.
func (fd *FD) OnLoop() bool { return fd.pd.r.gid.Load() == goid() }

// Post queues fn on this FD's reactor.
func (fd *FD) Post(fn func()) error { return fd.pd.r.post(fn) }

// AfterFunc runs fn on this FD's reactor after d.
func (fd *FD) AfterFunc(d time.Duration, fn func()) *Timer { return fd.pd.r.afterFunc(d, fn) }

// SetReadDeadline sets the deadline for Read, Accept and RawRead.
func (fd *FD) SetReadDeadline(t time.Time) error { return fd.setDeadline(&fd.rd, &fd.pd.rwake, t) }

// SetWriteDeadline sets the deadline for Write and RawWrite.
func (fd *FD) SetWriteDeadline(t time.Time) error { return fd.setDeadline(&fd.wd, &fd.pd.wwake, t) }

// SetDeadline sets both deadlines.
func (fd *FD) SetDeadline(t time.Time) error {
	if err := fd.setDeadline(&fd.rd, &fd.pd.rwake, t); err != nil {
		return err
	}
	return fd.setDeadline(&fd.wd, &fd.pd.wwake, t)
}

func (fd *FD) setDeadline(d *deadlineRef, wake *atomic.Pointer[chan struct{}], t time.Time) error {
	if err := fd.incref(); err != nil {
		return err
	}
	defer fd.decref()
	d.set(fd.pd.r, wake, t)
	return nil
}

// Shutdown calls shutdown(2): how is unix.SHUT_RD, SHUT_WR or SHUT_RDWR.
func (fd *FD) Shutdown(how int) error {
	if err := fd.incref(); err != nil {
		return err
	}
	defer fd.decref()
	return unix.Shutdown(fd.sysfd(), how)
}

// Dup returns a close-on-exec duplicate of the descriptor, not on the loop.
// The duplicate shares the socket's file status flags, so whoever holds it
// may make this FD's socket blocking: from then on the FD treats it as
// possibly blocking (see the blocking field).
func (fd *FD) Dup() (int, error) {
	if err := fd.incref(); err != nil {
		return -1, err
	}
	defer fd.decref()
	ns, err := unix.FcntlInt(uintptr(fd.sysfd()), unix.F_DUPFD_CLOEXEC, 0)
	if err == nil {
		fd.blocking.Store(true)
	}
	return ns, err
}

// NoteFlags is called after code outside the loop had the descriptor (a
// syscall.RawConn callback): if that code cleared O_NONBLOCK, as it may on
// the standard library's sockets too, the FD treats the socket as blocking
// from then on (see the blocking field).
func (fd *FD) NoteFlags() {
	if fd.blocking.Load() || fd.incref() != nil {
		return
	}
	defer fd.decref()
	if fl, err := unix.FcntlInt(uintptr(fd.sysfd()), unix.F_GETFL, 0); err == nil && fl&unix.O_NONBLOCK == 0 {
		fd.blocking.Store(true)
	}
}

// DupBlocking returns a close-on-exec duplicate of the descriptor in
// blocking mode, as the standard library's File methods hand it out (see
// net's newUnixFile: the *os.File's Fd is blocking). A socket's duplicates
// share one open file description, so this FD's socket turns blocking too,
// as the standard library's does once Fd is called: its syscalls may then
// sleep in the kernel, and Close stops waiting for them.
func (fd *FD) DupBlocking() (int, error) {
	ns, err := fd.Dup()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(ns, false); err != nil {
		unix.Close(ns)
		return -1, err
	}
	fd.blocking.Store(true)
	return ns, nil
}

// RawControl runs f with the descriptor, which stays valid while f runs.
func (fd *FD) RawControl(f func(uintptr)) error {
	if err := fd.incref(); err != nil {
		return err
	}
	defer fd.decref()
	f(uintptr(fd.sysfd()))
	return nil
}

// RawRead calls f until it reports done, parking on the loop for
// readability in between (syscall.RawConn's Read contract).
func (fd *FD) RawRead(f func(uintptr) bool) error {
	if err := fd.readLock(); err != nil {
		return err
	}
	defer fd.readUnlock()
	if err := fd.prepare(&fd.rd); err != nil {
		return err
	}
	// Made before f runs, the wake channel records every edge after f's
	// first look, so f runs again only after one: as often as the
	// standard library calls it.
	wakeChan(&fd.pd.rwake)
	for {
		if f(uintptr(fd.sysfd())) {
			return nil
		}
		if err := fd.wait(&fd.pd.rwake, &fd.rd); err != nil {
			return err
		}
	}
}

// RawWrite is RawRead for writability.
func (fd *FD) RawWrite(f func(uintptr) bool) error {
	if err := fd.writeLock(); err != nil {
		return err
	}
	defer fd.writeUnlock()
	if err := fd.prepare(&fd.wd); err != nil {
		return err
	}
	wakeChan(&fd.pd.wwake) // as in RawRead
	for {
		if f(uintptr(fd.sysfd())) {
			return nil
		}
		if err := fd.wait(&fd.pd.wwake, &fd.wd); err != nil {
			return err
		}
	}
}

// ReadMsg calls recvmsg(2), parking for readability, for unix sockets'
// ReadMsgUnix and ReadFromUnix.
func (fd *FD) ReadMsg(p, oob []byte, flags int) (n, oobn, rflags int, sa unix.Sockaddr, err error) {
	var serr error // the syscall's: RawRead's own result must not overwrite it
	err = fd.RawRead(func(s uintptr) bool {
		for {
			n, oobn, rflags, sa, serr = unix.Recvmsg(int(s), p, oob, flags)
			if serr != unix.EINTR {
				break
			}
		}
		if serr != nil {
			n = 0 // the raw syscall's -1, as internal/poll resets it
		}
		return serr != unix.EAGAIN
	})
	if err == nil {
		err = serr
	}
	if err == nil && n > 0 {
		fd.pd.r.counters.bytesIn.Add(uint64(n))
	}
	return n, oobn, rflags, sa, err
}

// WriteMsg calls sendmsg(2), parking for writability, for unix sockets'
// WriteMsgUnix and WriteToUnix.
func (fd *FD) WriteMsg(p, oob []byte, sa unix.Sockaddr) (n, oobn int, err error) {
	var serr error // as in ReadMsg
	err = fd.RawWrite(func(s uintptr) bool {
		for {
			n, serr = unix.SendmsgN(int(s), p, oob, sa, 0)
			if serr != unix.EINTR {
				break
			}
		}
		if serr != nil {
			n = 0
		}
		return serr != unix.EAGAIN
	})
	if err == nil {
		err = serr
	}
	if err == nil {
		oobn = len(oob)
		fd.pd.r.counters.bytesOut.Add(uint64(n))
	}
	return n, oobn, err
}

// ignoringEINTRIO is like internal/poll's: it retries fn while the kernel
// answers EINTR.
//
// The data path passes syscall.Read and syscall.Write, not x/sys/unix's,
// for the race detector: the standard library's Write releases and its
// Read acquires one process-wide object (syscall_unix.go's ioSync), which
// is the happens-before edge between a sender's memory writes and the
// receiver that read its bytes. x/sys/unix annotates an object of its own,
// which the standard library's connections never touch, so with it a
// compat connection talking to a standard library one (an httptest server
// and compat/http's client) showed races that were not there.
func ignoringEINTRIO(fn func(int, []byte) (int, error), fd int, p []byte) (int, error) {
	for {
		n, err := fn(fd, p)
		if err != syscall.EINTR {
			return n, err
		}
	}
}
