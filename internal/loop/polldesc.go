package loop

import (
	"sync/atomic"
)

// Events is the readiness a reactor reports for a descriptor.
type Events uint8

const (
	Readable Events = 1 << iota // data, a pending connection, or EOF to read
	Writable                    // room in the send buffer, or a finished connect
	Hangup                      // error or hang-up; reads and writes will not wait
	// ReadClosed says that the peer has closed its side (EPOLLRDHUP,
	// kqueue's EV_EOF): a read returns what is buffered, then EOF. Its
	// absence on a read edge means that a read returning less than asked
	// for took everything, since the next byte or the FIN brings another
	// edge.
	ReadClosed

	// ReadUnknown is what a readable callback gets when it runs for a
	// reason other than a kernel event: read until the kernel has nothing.
	ReadUnknown = Readable | ReadClosed
)

// pollDesc is a descriptor's registration on one reactor.
//
// At most one goroutine waits per direction (an FD serializes its readers
// and its writers), so a one-token channel per direction is all the
// signalling there is: readiness, deadlines and closing all send a token,
// and the woken waiter looks at the state to learn why.
//
// Its fields are laid out to fit the 48-byte size class: every accepted
// connection holds one for as long as it is open (issue 11 counts RSS per
// idle connection).
type pollDesc struct {
	fd     int32       // immutable; descriptor numbers are C ints
	closed atomic.Bool // set by evict: every wait returns net.ErrClosed
	r      *reactor    // immutable: a descriptor stays on the reactor that registered it

	// rwake and wwake are made by the first waiter of each direction, so an
	// idle connection holds none. The reactor sends a token without ever
	// blocking; a token that arrives before the waiter parks is kept, so no
	// edge is lost. A waiter that has just made its channel retries its
	// syscall before parking, which covers edges that came before.
	rwake atomic.Pointer[chan struct{}]
	wwake atomic.Pointer[chan struct{}]

	// att is the poller's attachment for fd, kept reachable for as long as
	// the registration: gnet's poll_opt build stores only a pointer to it
	// in the kernel, where the garbage collector cannot see it. Immutable;
	// nil where the reactor waits in the runtime's netpoller.
	att *attachment

	// onReadable, when set, takes the read readiness: the reactor calls it
	// instead of waking a parked reader. compat/http parks idle keep-alive
	// connections this way, with no goroutine.
	onReadable atomic.Pointer[func(Events)]
}

func newPollDesc(fd int, r *reactor) *pollDesc { return &pollDesc{fd: int32(fd), r: r} }

// notify runs on the reactor goroutine. It never blocks.
func (pd *pollDesc) notify(e Events) {
	if e&(Readable|Hangup|ReadClosed) != 0 {
		if h := pd.onReadable.Load(); h != nil {
			(*h)(e)
		} else {
			pd.poke(&pd.rwake)
		}
	}
	if e&(Writable|Hangup) != 0 {
		pd.poke(&pd.wwake)
	}
}

// poke sends a token to a direction's waiter, if that direction has ever
// had one.
func (pd *pollDesc) poke(w *atomic.Pointer[chan struct{}]) {
	if ch := w.Load(); ch != nil {
		select {
		case *ch <- struct{}{}:
			pd.r.counters.wakeups.Add(1)
		default:
		}
	}
}

// wakeChan returns a direction's channel, and whether this call made it.
func wakeChan(w *atomic.Pointer[chan struct{}]) (chan struct{}, bool) {
	if ch := w.Load(); ch != nil {
		return *ch, false
	}
	ch := make(chan struct{}, 1)
	if w.CompareAndSwap(nil, &ch) {
		return ch, true
	}
	return *w.Load(), false
}

// evict wakes every waiter for good: later waits return net.ErrClosed.
func (pd *pollDesc) evict() {
	pd.closed.Store(true)
	pd.poke(&pd.rwake)
	pd.poke(&pd.wwake)
}

func (pd *pollDesc) isClosing() bool { return pd.closed.Load() }
