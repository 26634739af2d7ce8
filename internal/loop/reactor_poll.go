//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

// The build line names the platforms of gnet's pkg/netpoll (epoll and
// kqueue) rather than "unix": aix, illumos and solaris are unix too, and
// gnet has no poller for them.

package loop

import (
	"sync"
	"sync/atomic"

	gerrors "github.com/panjf2000/gnet/v2/pkg/errors"
	"github.com/panjf2000/gnet/v2/pkg/netpoll"
	"github.com/panjf2000/gnet/v2/pkg/queue"
)

// Available reports whether this platform has a loop.
func Available() bool { return true }

// reactor is one goroutine polling one epoll (kqueue) instance.
//
// Loop-only fields are touched only by the reactor goroutine; the others
// say what guards them.
type reactor struct {
	in     *instance       // immutable: the run of the loop this reactor belongs to
	idx    int             // immutable
	poller *netpoll.Poller // immutable; closed after the goroutine exits

	fds fdTable // registered descriptors by fd number; lookups take no lock

	// stopMu orders post against shutdown: a task posted before shutdown
	// queues ahead of the stop task and runs (the queue is FIFO); a task
	// posted after is refused, never silently dropped.
	stopMu  sync.RWMutex
	stopped bool // guarded by stopMu

	gid       atomic.Uint64 // the reactor goroutine's id, set when it starts
	busySince atomic.Int64  // nanotime when the running callback began; 0 when idle
	done      chan struct{} // closed when the reactor goroutine exits

	counters *counters // immutable: the Loop's slot for idx, kept across restarts

	// nest, when not nil, has the reactor wait in the runtime's netpoller
	// (nested_linux.go); else it runs gnet's Polling. Immutable.
	nest     *nestedPoll
	stopping bool // loop-only: set by shutdown's task when nest is used
}

func newReactor(in *instance, idx int, c *counters) (*reactor, error) {
	p, err := netpoll.OpenPoller()
	if err != nil {
		return nil, err
	}
	r := &reactor{in: in, idx: idx, poller: p, done: make(chan struct{}), counters: c}
	if n, err := openNested(p); err == nil {
		r.nest = n
	}
	return r, nil
}

// runtimeWait reports whether the reactor waits in the runtime's netpoller.
func (r *reactor) runtimeWait() bool { return r.nest != nil }

func (r *reactor) run(ready chan<- struct{}) {
	defer r.in.wg.Done()
	defer close(r.done)
	r.gid.Store(goid())
	ready <- struct{}{}
	if r.nest != nil {
		r.runNested()
		return
	}
	// Polling returns only when a callback or task returns
	// ErrEngineShutdown, which shutdown's task does.
	_ = r.polling()
}

// dispatch is the readiness callback: it runs on the reactor goroutine.
func (r *reactor) dispatch(fd int, ev netpoll.IOEvent, flags netpoll.IOFlags) error {
	start := nanotime()
	r.busySince.Store(start)
	if pd := r.fds.load(fd); pd != nil {
		r.counters.events.Add(1)
		var e Events
		if netpoll.IsReadEvent(ev) {
			e |= Readable
		}
		if netpoll.IsWriteEvent(ev) {
			e |= Writable
		}
		if netpoll.IsErrorEvent(ev, flags) {
			e |= Hangup
		}
		if peerClosed(ev, flags) {
			e |= ReadClosed
		}
		pd.notify(e)
	}
	r.busySince.Store(0)
	r.counters.observe(nanotime() - start)
	return nil
}

// post queues fn for the reactor goroutine.
func (r *reactor) post(fn func()) error {
	r.stopMu.RLock()
	defer r.stopMu.RUnlock()
	if r.stopped {
		return errLoopClosed
	}
	if r.nest != nil {
		return r.nest.post(fn)
	}
	return r.poller.Trigger(queue.HighPriority, r.runTask, fn)
}

// runTask executes a posted func on the reactor goroutine, for gnet's
// Polling.
func (r *reactor) runTask(arg any) error {
	r.runFunc(arg.(func()))
	return nil
}

// runFunc executes a posted func on the reactor goroutine.
func (r *reactor) runFunc(fn func()) {
	start := nanotime()
	r.busySince.Store(start)
	fn()
	r.busySince.Store(0)
	r.counters.tasks.Add(1)
	r.counters.observe(nanotime() - start)
}

// attachment is gnet's PollAttachment, which a pollDesc keeps reachable
// in the poll_opt build only (see pdAttachment).
type attachment = netpoll.PollAttachment

// register adds pd to the poller, edge-triggered for reading and writing:
// one epoll_ctl for the descriptor's whole life, as Go's own netpoller does.
//
// It fails with errLoopClosed on a reactor that shutdown has stopped: the
// read lock on stopMu keeps shutdown from stopping the reactor (and the
// loop from closing its poller) while a registration is under way, so a
// descriptor is either evicted by shutdown or refused, never lost.
func (r *reactor) register(pd *pollDesc) error {
	r.stopMu.RLock()
	defer r.stopMu.RUnlock()
	if r.stopped {
		return errLoopClosed
	}
	r.fds.store(pd)
	var err error
	if r.nest != nil {
		err = r.nest.add(int(pd.fd))
	} else {
		// gnet's poll_opt build keeps a pointer to the attachment in the
		// kernel and calls its Callback; pd keeps it alive.
		pa := &netpoll.PollAttachment{FD: int(pd.fd), Callback: r.dispatch}
		pd.keep(pa)
		err = r.poller.AddReadWrite(pa, true)
	}
	if err != nil {
		r.fds.remove(pd)
		return err
	}
	r.counters.open.Add(1)
	return nil
}

// unregister removes pd before its descriptor is closed, so that a reused
// fd number never reaches pd.
func (r *reactor) unregister(pd *pollDesc) {
	_ = r.poller.Delete(int(pd.fd))
	r.fds.remove(pd)
	r.counters.open.Add(-1)
}

// shutdown evicts every registered descriptor (their waiters wake with
// net.ErrClosed) and stops the reactor goroutine.
// Registrations and posts are refused first, so that every descriptor
// registered by then is in fds for the eviction.
func (r *reactor) shutdown() {
	r.stopMu.Lock()
	r.stopped = true
	var err error
	if r.nest != nil {
		err = r.nest.post(func() { r.stopping = true })
	} else {
		err = r.poller.Trigger(queue.HighPriority, func(any) error { return gerrors.ErrEngineShutdown }, nil)
	}
	r.stopMu.Unlock()
	for _, pd := range r.fds.all() {
		pd.evict()
	}
	if err != nil {
		return
	}
	<-r.done
}

func (r *reactor) closePoller() {
	if r.nest != nil {
		r.nest.close()
	}
	_ = r.poller.Close()
}
