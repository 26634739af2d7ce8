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

// errLoopClosed is returned where a reactor that has stopped is asked to
// take a task (Shutdown evicted its descriptors).
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
	// IdleTimeout is how long the loop keeps running with no descriptor
	// registered and no timer pending before its goroutines exit. Zero
	// means 50ms; a negative value keeps it running until Shutdown.
	IdleTimeout time.Duration
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
// The loop runs only while it is used: from the first registration, timer
// or Post until it has had no descriptor registered and no timer pending
// for Config.IdleTimeout (50 ms by default). Then its reactors, watchdog
// and reporter exit and their pollers are closed, so an idle process holds
// no goroutine and no descriptor of the loop's; the next use starts it
// again (doc.go gives the cost). One start-to-stop run is an instance; the
// Loop is the handle that outlives them, and its counters (Stats) carry
// over from one instance to the next.
//
// All methods are safe for concurrent use. Funcs that run on a reactor
// ("loop callbacks": posted funcs, timer funcs, readiness handlers) must not
// block: a blocked callback stalls every connection on that reactor, and
// the watchdog reports it.
type Loop struct {
	mu   sync.Mutex
	cfg  Config                      // guarded by mu: what the next start uses
	cur  atomic.Pointer[instance]    // the running instance, nil when idle; stored under mu
	live atomic.Pointer[[]*instance] // instances whose goroutines may still run; stored under mu
	// slots are the reactors' counters by reactor index, kept across
	// restarts so that Stats' counters only grow. Guarded by mu; a
	// reactor holds its slot's pointer.
	slots []*counters
}

// instance is one run of the loop, from a start to its stop.
type instance struct {
	lp       *Loop
	reactors []*reactor     // immutable
	next     atomic.Uint32  // round-robin cursor for Register
	wg       sync.WaitGroup // reactor, watchdog and reporter goroutines
	dog      *watchdog      // nil when the watchdog is off
	rep      *reporter      // nil unless stats or a dump signal were asked for
	stopOnce sync.Once

	// users counts what keeps the instance running: registered
	// descriptors, pending timers, and callers between acquire and
	// release. stoppingBit is set once, by the stop, which only an
	// instance with no user can begin on its own (Shutdown forces it); a
	// set bit refuses new users, who start the next instance instead.
	users atomic.Int64

	// The idle stop: idleAt is when users last dropped to zero, and
	// idleTimer, armed while idleArmed is set, stops the instance once
	// it has stayed unused for idle (zero: never).
	idle      time.Duration // immutable
	idleAt    atomic.Int64
	idleArmed atomic.Bool
	idleTimer *time.Timer // immutable; nil when idle is zero
}

const stoppingBit = 1 << 62

// defaultIdle is how long an unused loop keeps running: long enough that
// a client dialing one connection after another does not restart it each
// time, short enough that a leak checker (goleak retries for about 400 ms)
// finds nothing once a test has closed everything.
const defaultIdle = 50 * time.Millisecond

func (c Config) idleTimeout() time.Duration {
	switch {
	case c.IdleTimeout > 0:
		return c.IdleTimeout
	case c.IdleTimeout < 0:
		return 0
	}
	return defaultIdle
}

// defaultLoop is the process's loop.
var defaultLoop Loop

// Default returns the process's loop, starting it if it is not running.
// It is safe to call from any goroutine, in any order with anything else:
// there is no "start the loop before X" rule. A loop started by Default
// and then left unused stops again after its idle timeout.
//
// On a platform without a loop, or if the loop cannot start (out of
// descriptors), it returns nil; callers then use the standard library (see
// Available).
func Default() *Loop {
	if !Available() {
		return nil
	}
	lp := &defaultLoop
	if in := lp.cur.Load(); in != nil && in.users.Load()&stoppingBit == 0 {
		return lp
	}
	in, err := lp.acquire()
	if err != nil {
		return nil
	}
	in.release()
	return lp
}

// Running returns the default loop if it runs now, without starting it.
func Running() *Loop {
	if in := defaultLoop.cur.Load(); in != nil && in.users.Load()&stoppingBit == 0 {
		return &defaultLoop
	}
	return nil
}

// Configure sets the configuration that the next start of the default loop
// uses. It does not touch a running loop; call Shutdown first for that.
func Configure(cfg Config) {
	defaultLoop.mu.Lock()
	defaultLoop.cfg = cfg
	defaultLoop.mu.Unlock()
}

// Shutdown stops the default loop now, whether or not it is used: every
// registered descriptor is evicted and marked closed (blocked and later
// calls return net.ErrClosed), pending timers never fire, the reactors and
// the watchdog exit, and Shutdown waits for them. The descriptors
// themselves stay open, and the peers see nothing, until their owners call
// Close (or the garbage collector closes them). The next use starts a new
// instance. An unused loop stops by itself; Shutdown is for tests that need
// it gone at once and for a process that wants its goroutines back early.
func Shutdown() {
	lp := &defaultLoop
	lp.mu.Lock()
	lp.cur.Store(nil)
	var ins []*instance
	if l := lp.live.Load(); l != nil {
		ins = *l
	}
	for _, in := range ins {
		in.markStopping()
	}
	lp.mu.Unlock()
	for _, in := range ins {
		in.stop()
	}
}

// acquire returns the running instance with one more user, starting one
// if none runs. The caller must release it.
func (lp *Loop) acquire() (*instance, error) {
	if in := lp.cur.Load(); in != nil && in.tryAcquire() {
		return in, nil
	}
	return lp.acquireSlow()
}

func (lp *Loop) acquireSlow() (*instance, error) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if in := lp.cur.Load(); in != nil && in.tryAcquire() {
		return in, nil
	}
	if !Available() {
		return nil, ErrUnavailable
	}
	in, err := lp.start()
	if err != nil {
		// Out of fds or memory at start: say so on stderr, the channel
		// of last resort, and let callers fall back.
		os.Stderr.WriteString("evshim: cannot start the event loop: " + err.Error() + "\n")
		return nil, err
	}
	return in, nil
}

// start starts an instance with one user, the caller. lp.mu is held.
func (lp *Loop) start() (*instance, error) {
	routeGnetLog()
	cfg := lp.cfg
	in := &instance{lp: lp, idle: cfg.idleTimeout()}
	in.users.Store(1)
	n := cfg.reactors()
	for len(lp.slots) < n {
		lp.slots = append(lp.slots, new(counters))
	}
	for i := 0; i < n; i++ {
		r, err := newReactor(in, i, lp.slots[i])
		if err != nil {
			for _, r := range in.reactors {
				r.closePoller()
			}
			return nil, err
		}
		in.reactors = append(in.reactors, r)
	}
	ready := make(chan struct{}, n)
	for _, r := range in.reactors {
		in.wg.Add(1)
		go r.run(ready)
	}
	for range in.reactors {
		<-ready
	}
	if limit := cfg.stallLimit(); limit > 0 {
		in.dog = newWatchdog(in, limit, cfg.OnStall)
		in.wg.Add(1)
		go in.dog.run()
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
	if in.rep = newReporter(in, every, sig, out); in.rep != nil {
		in.users.Add(1) // for good: see reporter
		in.wg.Add(1)
		go in.rep.run()
	}
	if in.idle > 0 {
		// Armed when users first drops to zero.
		in.idleTimer = time.AfterFunc(time.Hour, in.idleCheck)
		in.idleTimer.Stop()
	}
	live := []*instance{in}
	if l := lp.live.Load(); l != nil {
		live = append(live, *l...)
	}
	lp.live.Store(&live)
	lp.cur.Store(in)
	return in, nil
}

// tryAcquire adds a user unless the instance is stopping.
func (in *instance) tryAcquire() bool {
	for {
		v := in.users.Load()
		if v&stoppingBit != 0 {
			return false
		}
		if in.users.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// release drops a user; the last one arms the idle stop.
func (in *instance) release() {
	if in.users.Add(-1) != 0 || in.idle == 0 {
		return
	}
	in.idleAt.Store(nanotime())
	if in.idleArmed.CompareAndSwap(false, true) {
		in.idleTimer.Reset(in.idle)
	}
}

// idleCheck runs on the runtime's timer goroutine: it stops the instance
// if nothing has used it for in.idle, or re-arms for the rest of that.
func (in *instance) idleCheck() {
	in.idleArmed.Store(false)
	if in.users.Load() != 0 {
		return // in use again (its release re-arms), or stopping
	}
	if rest := in.idle - time.Duration(nanotime()-in.idleAt.Load()); rest > 0 {
		if in.idleArmed.CompareAndSwap(false, true) {
			in.idleTimer.Reset(rest)
		}
		return
	}
	if !in.users.CompareAndSwap(0, stoppingBit) {
		return // a user came meanwhile
	}
	lp := in.lp
	lp.mu.Lock()
	if lp.cur.Load() == in {
		lp.cur.Store(nil)
	}
	lp.mu.Unlock()
	in.stop()
}

// markStopping refuses new users from now on.
func (in *instance) markStopping() {
	for {
		v := in.users.Load()
		if v&stoppingBit != 0 || in.users.CompareAndSwap(v, v|stoppingBit) {
			return
		}
	}
}

// stop evicts every descriptor, stops the reactors, the watchdog and the
// reporter, waits for their goroutines and closes the pollers. The
// stopping bit is set. Concurrent calls wait for the first to finish.
func (in *instance) stop() { in.stopOnce.Do(in.halt) }

func (in *instance) halt() {
	for _, r := range in.reactors {
		r.shutdown()
	}
	if in.dog != nil {
		in.dog.stop()
	}
	if in.rep != nil {
		in.rep.stop()
	}
	in.wg.Wait()
	for _, r := range in.reactors {
		r.closePoller()
	}
	if in.idleTimer != nil {
		in.idleTimer.Stop()
	}
	lp := in.lp
	lp.mu.Lock()
	var live []*instance
	for _, x := range *lp.live.Load() {
		if x != in {
			live = append(live, x)
		}
	}
	lp.live.Store(&live)
	lp.mu.Unlock()
}

// pick chooses the reactor for a new registration: round robin, which
// spreads connections evenly since every reactor serves the same kind.
func (in *instance) pick() *reactor {
	i := in.next.Add(1)
	return in.reactors[int(i)%len(in.reactors)]
}

// Post queues fn to run on one of the loop's reactors, starting the loop
// if it is idle, and returns without waiting. Posted funcs run in FIFO
// order relative to each other and to the reactor's I/O events; a func
// accepted before the loop stops runs before it stops. fn must not block.
func (lp *Loop) Post(fn func()) error {
	for {
		in, err := lp.acquire()
		if err != nil {
			return err
		}
		err = in.pick().post(fn)
		in.release()
		if err != errLoopClosed {
			return err
		}
		// A Shutdown stopped the instance under us: post to the next one.
	}
}

// Reactors reports the number of reactors of the running loop, or, when it
// is idle, how many its next start will have.
func (lp *Loop) Reactors() int {
	if in := lp.cur.Load(); in != nil {
		return len(in.reactors)
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	return lp.cfg.reactors()
}

// InLoop reports whether the calling goroutine is one of the default loop's
// reactors, that is, whether the caller is a loop callback. A blocking wait
// there would freeze every connection on that reactor; compat/queue uses
// this to fail fast instead.
func InLoop() bool {
	l := defaultLoop.live.Load()
	if l == nil {
		return false
	}
	// A caller can be a loop callback only while its reactor is inside one:
	// the goroutine id (about a microsecond to parse) is read only then.
	var id uint64
	for _, in := range *l {
		for _, r := range in.reactors {
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
	}
	return false
}
