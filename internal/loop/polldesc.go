package loop

import (
	"sync"
	"sync/atomic"
)

// Events is the readiness a reactor reports for a descriptor.
type Events uint8

const (
	Readable Events = 1 << iota // data, a pending connection, or EOF to read
	Writable                    // room in the send buffer, or a finished connect
	Hangup                      // error or hang-up; reads and writes will not wait
)

// pollDesc is a descriptor's registration on one reactor.
type pollDesc struct {
	fd int      // immutable
	r  *reactor // immutable: a descriptor stays on the reactor that registered it

	// rwake and wwake hold at most one token each. The reactor sends one,
	// without ever blocking, when the kernel reports the descriptor ready; a
	// parked reader or writer takes it and retries its syscall. A token that
	// arrives before the waiter parks is kept, so no edge is lost.
	rwake chan struct{}
	wwake chan struct{}

	closing   chan struct{} // closed by evict: every wait returns net.ErrClosed
	evictOnce sync.Once

	// onReadable, when set, takes the read readiness: the reactor calls it
	// instead of waking a parked reader. compat/http parks idle keep-alive
	// connections this way, with no goroutine.
	onReadable atomic.Pointer[func()]
}

func newPollDesc(fd int, r *reactor) *pollDesc {
	return &pollDesc{
		fd:      fd,
		r:       r,
		rwake:   make(chan struct{}, 1),
		wwake:   make(chan struct{}, 1),
		closing: make(chan struct{}),
	}
}

// notify runs on the reactor goroutine. It never blocks.
func (pd *pollDesc) notify(e Events) {
	if e&(Readable|Hangup) != 0 {
		if h := pd.onReadable.Load(); h != nil {
			(*h)()
		} else {
			pd.wake(pd.rwake)
		}
	}
	if e&(Writable|Hangup) != 0 {
		pd.wake(pd.wwake)
	}
}

func (pd *pollDesc) wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
		pd.r.counters.wakeups.Add(1)
	default:
	}
}

// evict wakes every waiter for good: later waits return net.ErrClosed.
func (pd *pollDesc) evict() {
	pd.evictOnce.Do(func() { close(pd.closing) })
}

func (pd *pollDesc) isClosing() bool {
	select {
	case <-pd.closing:
		return true
	default:
		return false
	}
}
