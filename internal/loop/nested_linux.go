package loop

import (
	"errors"
	"os"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/panjf2000/gnet/v2/pkg/netpoll"
	"golang.org/x/sys/unix"
)

// nestedPoll lets a reactor wait for its epoll instance in the Go
// runtime's netpoller instead of in a blocking epoll_wait.
//
// An epoll descriptor is itself pollable: it turns readable when one of
// its descriptors has an event. Registered (through a dup) with the
// runtime's netpoller, it wakes the reactor goroutine the way a socket
// wakes a goroutine blocked in net.Conn.Read: the thread that finds it
// ready runs the reactor, and an idle reactor holds no thread. gnet's
// Polling instead blocks its goroutine's thread in epoll_wait, so every
// request paid two wake-ups of sleeping threads (the reactor's, then the
// runtime poller's for the client side): BenchmarkHTTPKeepAlive with one
// connection measured 65 µs a request against net/http's 15 µs.
//
// gnet v2.9.7 keeps the epoll descriptor in an unexported field; the
// reactor reads it by reflection and proves it is the poller's before it
// relies on it (see openNested). Where that fails (another gnet version,
// a kernel without nested epoll), or EVSHIM_REACTOR=gnet, the reactor
// runs gnet's own Polling.
//
// Loop-only fields are touched only by the reactor goroutine.
type nestedPoll struct {
	epfd   int               // the gnet poller's epoll descriptor; not ours to close
	file   *os.File          // a dup of epfd, in the runtime's netpoller
	rc     syscall.RawConn   // file's
	wakefd int               // an eventfd in the poller: post writes it to wake an idle reactor
	events []unix.EpollEvent // loop-only

	mu     sync.Mutex
	tasks  []func()     // guarded by mu; posted funcs, oldest first
	spare  []func()     // loop-only: the batch being run, reused
	queued atomic.Int64 // len(tasks), stored under mu, read without it

	// idle is set while the reactor is about to wait or waiting; the first
	// post to find it set writes wakefd. The reactor stores idle before it
	// looks for tasks and a post stores its task before it loads idle, so
	// one of the two always sees the other.
	idle atomic.Bool

	// blocking is set if the runtime's netpoller ever fails the wait
	// (it should not): from then on the reactor blocks in epoll_wait, as
	// gnet's Polling does. Loop-only.
	blocking bool

	readyFn func(uintptr) bool // loop-only: n.ready, made once
	k       int                // loop-only: ready's results
	err     error
	yields  int // loop-only: how often ready has yielded in this wait
}

// maxEvents bounds the events one epoll_wait returns (gnet's
// MaxPollEventsCap).
const maxEvents = netpoll.MaxPollEventsCap

// maxYields is how often an idle reactor yields and looks again before
// it parks.
const maxYields = 2

// errNoNesting means the reactor runs gnet's Polling.
var errNoNesting = errors.New("evshim/loop: no nested epoll")

// openNested sets up waiting in the runtime's netpoller for p.
func openNested(p *netpoll.Poller) (_ *nestedPoll, err error) {
	if os.Getenv("EVSHIM_REACTOR") == "gnet" {
		return nil, errNoNesting
	}
	v := reflect.ValueOf(p).Elem().FieldByName("fd")
	if !v.IsValid() || v.Kind() != reflect.Int {
		return nil, errNoNesting
	}
	n := &nestedPoll{epfd: int(v.Int()), wakefd: -1, events: make([]unix.EpollEvent, 128)}
	defer func() {
		if err != nil {
			n.close()
		}
	}()
	if n.wakefd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		return nil, err
	}
	if err = p.AddRead(&netpoll.PollAttachment{FD: n.wakefd}, true); err != nil {
		return nil, err
	}
	// Prove that epfd is the poller's before anything waits on it: a
	// field of another gnet version could hold some other descriptor,
	// even another epoll instance (the runtime's own), whose events a
	// wait here would take from their owner. EPOLL_CTL_MOD changes
	// nothing where it fails: it fails with ENOENT on an epoll instance
	// that does not hold the eventfd just made, and with EBADF or EINVAL
	// on anything that is no epoll instance. Only the instance where the
	// poller added that eventfd accepts it, so any other layout fails
	// closed, to gnet's Polling. The MOD also sets the event data that
	// this file reads (the descriptor number), whatever layout gnet's
	// build uses (its poll_opt tag stores a pointer there); every other
	// descriptor is added by add, with the same layout. Only then is
	// the eventfd written and epfd waited on.
	if !holds(n.epfd, n.wakefd) {
		return nil, errNoNesting
	}
	if err = n.wake(); err != nil {
		return nil, err
	}
	if k, err := unix.EpollWait(n.epfd, n.events, 0); err != nil || k != 1 || int(n.events[0].Fd) != n.wakefd {
		return nil, errNoNesting
	}
	dup, err := unix.FcntlInt(uintptr(n.epfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err = unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return nil, err
	}
	n.file = os.NewFile(uintptr(dup), "evshim-reactor")
	// A file the runtime could not add to its poller has no deadlines.
	if n.file.SetReadDeadline(time.Time{}) != nil {
		return nil, errNoNesting
	}
	if n.rc, err = n.file.SyscallConn(); err != nil {
		return nil, err
	}
	return n, nil
}

// holds reports whether epfd is an epoll instance that holds fd, and if
// so sets fd's event data to the layout this file reads. It consumes no
// event and changes nothing where it reports false.
func holds(epfd, fd int) bool {
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_MOD, fd, &unix.EpollEvent{Events: readEvents, Fd: int32(fd)}) == nil
}

// readEvents and readWriteEvents are the event masks of gnet's
// edge-triggered AddRead and AddReadWrite.
const (
	readEvents      = unix.EPOLLIN | unix.EPOLLPRI | unix.EPOLLET | unix.EPOLLRDHUP
	readWriteEvents = readEvents | unix.EPOLLOUT
)

// add registers fd in the epoll instance, edge-triggered for reading and
// writing, with the descriptor number as the event data (the layout
// runNested reads). The poller's Delete removes it.
func (n *nestedPoll) add(fd int) error {
	err := unix.EpollCtl(n.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: readWriteEvents, Fd: int32(fd)})
	return os.NewSyscallError("epoll_ctl add", err)
}

// wake makes the poller's epoll readable.
func (n *nestedPoll) wake() error {
	b := [8]byte{1}
	for {
		_, err := unix.Write(n.wakefd, b[:])
		switch err {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			// The counter is full, so it is readable: nothing to add.
			return nil
		}
		return err
	}
}

// post queues fn and wakes the reactor if it waits.
func (n *nestedPoll) post(fn func()) error {
	n.mu.Lock()
	n.tasks = append(n.tasks, fn)
	n.queued.Store(int64(len(n.tasks)))
	n.mu.Unlock()
	if n.idle.Load() && n.idle.CompareAndSwap(true, false) {
		return n.wake()
	}
	return nil
}

// hasTasks reports whether funcs are queued. It takes no lock: the
// reactor never waits for a poster (issue 13.10).
func (n *nestedPoll) hasTasks() bool { return n.queued.Load() > 0 }

// poll returns the number of events in n.events, waiting in the runtime's
// netpoller until there is an event or a posted task.
func (n *nestedPoll) poll() (int, error) {
	if n.hasTasks() {
		return n.epollWait(0)
	}
	if n.blocking {
		n.idle.Store(true)
		defer n.idle.Store(false)
		if n.hasTasks() {
			return n.epollWait(0)
		}
		return n.epollWait(-1)
	}
	if n.readyFn == nil {
		n.readyFn = n.ready // one func value for every wait
	}
	// RawRead calls ready at once, and again each time the runtime
	// poller finds the epoll descriptor readable, until it returns true.
	n.yields = 0
	rerr := n.rc.Read(n.readyFn)
	n.idle.Store(false)
	if rerr != nil {
		os.Stderr.WriteString("evshim/loop: waiting in the runtime poller failed, blocking in epoll_wait from now on: " + rerr.Error() + "\n")
		n.blocking = true
		return 0, nil
	}
	return n.k, n.err
}

// ready is the runtime poller's test for the reactor's wait: events (left
// in n.k and n.err) or a posted func. With neither, it marks the reactor
// idle before it looks at the tasks a last time.
func (n *nestedPoll) ready(uintptr) bool {
	n.k, n.err = n.epollWait(0)
	if n.k > 0 || n.err != nil {
		return true
	}
	for n.yields < maxYields {
		// Let the goroutines this batch woke run first, and look again:
		// under load their answers bring the next events, which are then
		// taken without parking, as gnet's Polling does.
		n.yields++
		runtime.Gosched()
		if n.k, n.err = n.epollWait(0); n.k > 0 || n.err != nil {
			return true
		}
	}
	n.idle.Store(true)
	return n.hasTasks()
}

// epollWait waits up to msec milliseconds (-1: no limit) for events.
// With msec 0 it cannot sleep, so it is made without telling the
// scheduler, as the runtime's own netpoll(0) is (sysio_raw.go says why).
func (n *nestedPoll) epollWait(msec int) (int, error) {
	for {
		var k int
		var err error
		if msec == 0 {
			k, err = epollWaitNow(n.epfd, n.events)
		} else {
			k, err = unix.EpollWait(n.epfd, n.events, msec)
		}
		if err != unix.EINTR {
			return k, err
		}
	}
}

// epollWaitNow is epoll_pwait(epfd, events, len(events), 0, NULL): every
// Linux architecture has epoll_pwait, not all have epoll_wait.
func epollWaitNow(epfd int, events []unix.EpollEvent) (int, error) {
	k, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(k), nil
}

// runNested is the reactor's loop when it waits in the runtime's
// netpoller: events, then posted funcs, in turn, as gnet's Polling runs
// them.
func (r *reactor) runNested() {
	n := r.nest
	for {
		k, err := n.poll()
		if err != nil {
			os.Stderr.WriteString("evshim/loop: epoll_wait: " + err.Error() + "\n")
			return
		}
		for _, ev := range n.events[:k] {
			if fd := int(ev.Fd); fd != n.wakefd {
				r.dispatch(fd, ev.Events, 0)
			}
		}
		if k == len(n.events) && k < maxEvents {
			n.events = make([]unix.EpollEvent, 2*k) // a full batch: take more next time, as gnet does
		}
		batch := n.takeTasks()
		for i, fn := range batch {
			r.runFunc(fn)
			batch[i] = nil
		}
		if r.stopping {
			return
		}
	}
}

// takeTasks returns the posted funcs, oldest first; the slice is valid
// until the next call.
// If a poster holds the queue's lock (it appends and lets go, but the
// scheduler may have parked it in between), the reactor does not wait: it
// takes nothing this round, serves its events, and looks again, since
// hasTasks stays true.
func (n *nestedPoll) takeTasks() []func() {
	if !n.mu.TryLock() {
		runtime.Gosched()
		return nil
	}
	batch := n.tasks
	n.tasks = n.spare[:0]
	n.queued.Store(0)
	n.mu.Unlock()
	n.spare = batch
	return batch
}

// close releases the dup and the eventfd; the poller's own descriptor is
// gnet's.
func (n *nestedPoll) close() {
	if n.file != nil {
		n.file.Close()
	}
	if n.wakefd >= 0 {
		unix.Close(n.wakefd)
	}
}
