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

// A ReadHandler takes a descriptor's read readiness in place of a parked
// reader (see FD.OnReadable).
type ReadHandler interface {
	// ReadReady runs on the reactor goroutine with the event's flags. It
	// must not block.
	ReadReady(e Events)
}

// pollDesc is a descriptor's registration on one reactor.
//
// At most one goroutine waits per direction (an FD serializes its readers
// and its writers), so a one-token channel per direction is all the
// signalling there is: readiness, deadlines and closing all send a token,
// and the woken waiter looks at the state to learn why.
//
// Its fields are laid out to fit the 48-byte size class: every accepted
// connection holds one for as long as it is open (issue 11 counts RSS per
// idle connection). Hence one word of flags, and the poller's attachment
// held only in the build that needs it (pdAttachment).
type pollDesc struct {
	// pdAttachment keeps the poller's attachment for fd reachable for as
	// long as the registration, in gnet's poll_opt build, which stores
	// only a pointer to it in the kernel, where the garbage collector
	// cannot see it. Empty in other builds; set once by register.
	pdAttachment

	fd    int32         // immutable; descriptor numbers are C ints
	flags atomic.Uint32 // pdClosed, pdReadHandled
	r     *reactor      // immutable: a descriptor stays on the reactor that registered it

	// rwake and wwake are made by the first waiter of each direction, so an
	// idle connection holds none. The reactor sends a token without ever
	// blocking; a token that arrives before the waiter parks is kept, so no
	// edge is lost. A waiter that has just made its channel retries its
	// syscall before parking, which covers edges that came before.
	rwake atomic.Pointer[chan struct{}]
	wwake atomic.Pointer[chan struct{}]

	// rh, while pdReadHandled is set, takes the read readiness: the
	// reactor calls it instead of waking a parked reader. compat/http
	// parks idle keep-alive connections this way, with no goroutine. It
	// is written once, before the flag is first set (which publishes it),
	// and changed only by DropReadHandler, which clears it on the reactor
	// goroutine for good: an interface holding the caller's own pointer
	// costs a connection nothing, where a func value would be an
	// allocation per connection.
	rh ReadHandler
}

const (
	pdClosed      = 1 << iota // set by evict: every wait returns net.ErrClosed
	pdReadHandled             // rh takes the read readiness
)

func newPollDesc(fd int, r *reactor) *pollDesc { return &pollDesc{fd: int32(fd), r: r} }

// setFlag and clearFlag change one bit of flags (atomic.Uint32's Or and
// And are newer than the module's Go version).
func (pd *pollDesc) setFlag(f uint32) {
	for v := pd.flags.Load(); v&f == 0 && !pd.flags.CompareAndSwap(v, v|f); v = pd.flags.Load() {
	}
}

func (pd *pollDesc) clearFlag(f uint32) {
	for v := pd.flags.Load(); v&f != 0 && !pd.flags.CompareAndSwap(v, v&^f); v = pd.flags.Load() {
	}
}

// readHandler returns the handler that takes the read readiness now, or
// nil.
func (pd *pollDesc) readHandler() ReadHandler {
	if pd.flags.Load()&pdReadHandled != 0 {
		return pd.rh
	}
	return nil
}

// notify runs on the reactor goroutine. It never blocks.
func (pd *pollDesc) notify(e Events) {
	if e&(Readable|Hangup|ReadClosed) != 0 {
		if h := pd.readHandler(); h != nil {
			h.ReadReady(e)
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
	pd.setFlag(pdClosed)
	pd.poke(&pd.rwake)
	pd.poke(&pd.wwake)
}

func (pd *pollDesc) isClosing() bool { return pd.flags.Load()&pdClosed != 0 }
