package loop

import (
	"errors"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ErrUnavailable is returned where this platform has no loop (gnet's pollers
// cover Linux and the BSDs, Darwin included); callers fall back to the
// standard library and Stats reports Fallback.
var ErrUnavailable = errors.New("evshim/loop: no event loop on this platform")

// errLoopClosed is returned by Post and Register on a loop that has stopped.
var errLoopClosed = errors.New("evshim/loop: loop stopped")

// Config sets up a loop. The zero value is the default.
type Config struct {
	// Reactors is the number of reactor goroutines, each with its own
	// epoll/kqueue instance. Zero means EVSHIM_LOOPS if set, else one
	// reactor per two cores (GOMAXPROCS/2, at least 1); doc.go gives the
	// measurements behind that default.
	Reactors int
	// StallLimit is how long one loop callback may run before the watchdog
	// reports it. Zero means EVSHIM_WATCHDOG if set, else 100ms; a negative
	// value turns the watchdog off.
	StallLimit time.Duration
	// OnStall receives every watchdog report. Nil means a report on stderr.
	// It runs on the watchdog goroutine, never on a loop.
	OnStall func(Stall)
	// StatsEvery prints a stats line that often (EVSHIM_STATS); DumpSignal
	// prints the stats and the reactors' stacks on that signal
	// (EVSHIM_DEBUG_SIGNAL); Report is where both go (default os.Stderr).
	StatsEvery time.Duration
	DumpSignal os.Signal
	Report     io.Writer
}

func (c Config) reactors() int {
	if c.Reactors > 0 {
		return c.Reactors
	}
	if n, err := strconv.Atoi(os.Getenv("EVSHIM_LOOPS")); err == nil && n > 0 {
		return n
	}
	return max(1, runtime.GOMAXPROCS(0)/2)
}

func (c Config) stallLimit() time.Duration {
	if c.StallLimit != 0 {
		return c.StallLimit
	}
	if d, err := time.ParseDuration(os.Getenv("EVSHIM_WATCHDOG")); err == nil {
		return d
	}
	return 100 * time.Millisecond
}

// Loop is the process's event loop: a set of reactors, each a goroutine
// waiting for its epoll instance (kqueue on the BSDs) and dispatching readiness,
// posted funcs and timers. Connections are spread over the reactors.
//
// All methods are safe for concurrent use. Funcs that run on a reactor
// ("loop callbacks": posted funcs, timer funcs, readiness handlers) must not
// block: a blocked callback stalls every connection on that reactor, and
// the watchdog reports it.
type Loop struct {
	cfg      Config         // immutable after start
	reactors []*reactor     // immutable after start
	next     atomic.Uint32  // round-robin cursor for Register
	closed   atomic.Bool    // set once by stop
	wg       sync.WaitGroup // reactor and watchdog goroutines
	dog      *watchdog      // nil when the watchdog is off
	rep      *reporter      // nil unless stats or a dump signal were asked for
	counters counters
}

var (
	defaultMu   sync.Mutex
	defaultLoop atomic.Pointer[Loop]
	defaultCfg  Config // guarded by defaultMu
)

// Default returns the process's loop, starting it on first use. It is safe
// to call from any goroutine, in any order with anything else: there is no
// "start the loop before X" rule.
//
// On a platform without a loop it returns nil; callers then use the
// standard library (see Available).
func Default() *Loop {
	if lp := defaultLoop.Load(); lp != nil {
		return lp
	}
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if lp := defaultLoop.Load(); lp != nil {
		return lp
	}
	if !Available() {
		return nil
	}
	lp, err := start(defaultCfg)
	if err != nil {
		// Out of fds or memory at start: report it through the stall hook's
		// channel of last resort and let callers fall back.
		os.Stderr.WriteString("evshim: cannot start the event loop: " + err.Error() + "\n")
		return nil
	}
	defaultLoop.Store(lp)
	return lp
}

// Running returns the default loop if it has been started, without starting it.
func Running() *Loop { return defaultLoop.Load() }

// Configure sets the configuration that the next start of the default loop
// uses. It does not touch a running loop; call Shutdown first for that.
func Configure(cfg Config) {
	defaultMu.Lock()
	defaultCfg = cfg
	defaultMu.Unlock()
}

// Shutdown stops the default loop if it runs: every registered descriptor
// is marked closed (blocked and later calls return net.ErrClosed), the
// reactors and the watchdog exit, and Shutdown waits for them. The
// descriptors themselves stay open, and the peers see nothing, until their
// owners call Close (or the garbage collector closes them). The next Default starts a new
// loop. Tests call it before goleak looks for leaked goroutines.
func Shutdown() {
	defaultMu.Lock()
	lp := defaultLoop.Swap(nil)
	defaultMu.Unlock()
	if lp != nil {
		lp.stop()
	}
}

func start(cfg Config) (*Loop, error) {
	routeGnetLog()
	lp := &Loop{cfg: cfg}
	n := cfg.reactors()
	for i := 0; i < n; i++ {
		r, err := newReactor(lp, i)
		if err != nil {
			for _, r := range lp.reactors {
				r.closePoller()
			}
			return nil, err
		}
		lp.reactors = append(lp.reactors, r)
	}
	ready := make(chan struct{}, n)
	for _, r := range lp.reactors {
		lp.wg.Add(1)
		go r.run(ready)
	}
	for range lp.reactors {
		<-ready
	}
	if limit := cfg.stallLimit(); limit > 0 {
		lp.dog = newWatchdog(lp, limit, cfg.OnStall)
		lp.wg.Add(1)
		go lp.dog.run()
	}
	every, sig, out := cfg.StatsEvery, cfg.DumpSignal, cfg.Report
	if every == 0 {
		every = statsEvery()
	}
	if sig == nil {
		sig = dumpSignal()
	}
	if out == nil {
		out = os.Stderr
	}
	if lp.rep = newReporter(lp, every, sig, out); lp.rep != nil {
		lp.wg.Add(1)
		go lp.rep.run()
	}
	return lp, nil
}

// stop closes every descriptor, stops the reactors and the watchdog, and
// waits for their goroutines.
func (lp *Loop) stop() {
	if !lp.closed.CompareAndSwap(false, true) {
		return
	}
	for _, r := range lp.reactors {
		r.shutdown()
	}
	if lp.dog != nil {
		lp.dog.stop()
	}
	if lp.rep != nil {
		lp.rep.stop()
	}
	lp.wg.Wait()
	for _, r := range lp.reactors {
		r.closePoller()
	}
}

// pick chooses the reactor for a new registration: round robin, which
// spreads connections evenly since every reactor serves the same kind.
func (lp *Loop) pick() *reactor {
	i := lp.next.Add(1)
	return lp.reactors[int(i)%len(lp.reactors)]
}

// Post queues fn to run on one of the loop's reactors and returns without
// waiting. Posted funcs run in FIFO order relative to each other and to the
// reactor's I/O events. fn must not block.
func (lp *Loop) Post(fn func()) error {
	if lp.closed.Load() {
		return errLoopClosed
	}
	return lp.pick().post(fn)
}

// Reactors reports the number of reactors.
func (lp *Loop) Reactors() int { return len(lp.reactors) }

// InLoop reports whether the calling goroutine is one of the default loop's
// reactors, that is, whether the caller is a loop callback. A blocking wait
// there would freeze every connection on that reactor; compat/queue uses
// this to fail fast instead.
func InLoop() bool {
	lp := defaultLoop.Load()
	if lp == nil {
		return false
	}
	// A caller can be a loop callback only while its reactor is inside one:
	// the goroutine id (about a microsecond to parse) is read only then.
	var id uint64
	for _, r := range lp.reactors {
		if r.busySince.Load() == 0 {
			continue
		}
		if id == 0 {
			id = goid()
		}
		if r.gid.Load() == id {
			return true
		}
	}
	return false
}
