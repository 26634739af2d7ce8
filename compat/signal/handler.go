package signal

import (
	"os"
	"sync"
)

// numSig bounds the signal numbers the package tracks. It is os/signal's
// own bound on unix and windows ("max across all systems", 65, in
// src/os/signal/signal_unix.go), so both packages accept the same values.
const numSig = 65

// maxPending caps the signals relayed but not yet fanned out. It is reached
// only while the loop is stalled; past it signals are dropped, as os/signal
// drops a signal for a full channel rather than block its sender.
const maxPending = 256

// mask is a set of signal numbers.
type mask [(numSig + 63) / 64]uint64

func (m *mask) has(n int) bool { return m[n/64]&(1<<(n%64)) != 0 }
func (m *mask) add(n int)      { m[n/64] |= 1 << (n % 64) }
func (m *mask) remove(n int)   { m[n/64] &^= 1 << (n % 64) }
func (m *mask) empty() bool    { return *m == mask{} }

// handler is one registration: the signals a channel asked for. Its fields
// are guarded by table.mu.
type handler struct {
	sigs mask
	// fn, when set, receives the signals instead of a send on the channel.
	// NotifyContext uses it to cancel its context on the loop without a
	// goroutine of its own. fn must not block.
	fn func(os.Signal)
}

// deliver hands sig to the registration for c without blocking: a full
// channel drops the signal, as os/signal's does.
func (h *handler) deliver(c chan<- os.Signal, sig os.Signal) {
	if h.fn != nil {
		h.fn(sig)
		return
	}
	select {
	case c <- sig:
	default:
	}
}

// stopping is a registration that Stop has removed from table.handlers but
// that still receives the signals caught before Stop began (see Stop). The
// zero value means no Stop is in progress.
type stopping struct {
	c chan<- os.Signal
	h *handler
}

// table is the package's one dispatcher state.
//
// reg serializes Notify, Stop, Ignore and Reset, including their calls into
// os/signal, so that os/signal's registration of the sources always matches
// ref. mu guards the data the loop reads; it is held only for map updates
// and non-blocking sends, never across a wait, so a loop callback that takes
// it never stalls. Lock order: reg, then mu.
var table struct {
	reg sync.Mutex

	// relay is the goroutine that moves signals from the sources to the
	// loop; nil when no signal is registered. Guarded by reg.
	relay *relay

	mu       sync.Mutex
	handlers map[chan<- os.Signal]*handler // guarded by mu
	ref      [numSig]int                   // guarded by mu; registrations that want each signal
	stopping stopping                      // guarded by mu; the one Stop in progress (reg serializes them)
	// sources holds, per signal, the channel registered with os/signal for
	// it while ref is non-zero. Written with reg and mu held; read with
	// either held.
	sources [numSig]chan os.Signal
	// retired holds sources that os/signal no longer feeds but that may
	// still buffer signals; the relay drains them on its next request.
	// Guarded by mu.
	retired []chan os.Signal
	// pending holds the signals the relay has received and the loop has not
	// yet fanned out, in arrival order. Guarded by mu.
	pending []os.Signal
	// Test seams, set through export_test.go and guarded by mu.
	testHookFanOut   func()          // runs at the start of every fan-out
	testHookRelayed  func(os.Signal) // runs on the relay for each signal received from a source
	testHookStopWait func()          // runs in Stop before it waits for the relay
}

// fanOut delivers every pending signal to the registrations that want it.
// It runs as a loop callback (or on the relay where there is no loop) and
// does not block: mu is held only by short critical sections and every send
// is non-blocking.
//
// Holding mu for the whole fan-out is what makes Stop's guarantee hold: once
// Stop has removed a channel under mu, no fan-out can still be sending to it.
// It also keeps deliveries in order when two fan-outs run on different
// reactors: the later one waits, and then finds only later signals.
func fanOut() {
	table.mu.Lock()
	defer table.mu.Unlock()
	if table.testHookFanOut != nil {
		table.testHookFanOut()
	}
	for i, sig := range table.pending {
		table.pending[i] = nil
		n := signum(sig)
		for c, h := range table.handlers {
			if h.sigs.has(n) {
				h.deliver(c, sig)
			}
		}
		if s := table.stopping; s.h != nil && s.h.sigs.has(n) {
			s.h.deliver(s.c, sig)
		}
	}
	table.pending = table.pending[:0]
}
