package loop

import (
	"sync/atomic"
	"time"
)

// Stats is a snapshot of the loop's counters. Counters only grow, across
// the loop's idle stops and restarts too, except Open and Queued, which are
// levels.
type Stats struct {
	Loops    int  // reactors running; 0 while the loop is idle (stopped)
	Fallback bool // no loop on this platform: cooperative calls use the stdlib

	// RuntimeWait is how many reactors wait for events in the Go runtime's
	// netpoller (Linux, see doc.go); the others block a thread in
	// epoll_wait or kevent, as gnet's Polling does.
	RuntimeWait int

	Open     int64  // descriptors registered now (connections and listeners)
	Accepted uint64 // connections accepted on the loop
	Dialed   uint64 // dialed connections moved onto the loop
	Adopted  uint64 // other descriptors moved onto the loop (listeners, FileConn)

	BytesIn  uint64 // bytes read by cooperative reads
	BytesOut uint64 // bytes written by cooperative writes
	Queued   int64  // bytes accepted by Write calls that wait for the socket to drain

	Events    uint64 // readiness events dispatched
	Wakeups   uint64 // goroutines woken by the loop (I/O readiness, deadlines)
	Parks     uint64 // waits that parked a goroutine on the loop (EAGAIN)
	Tasks     uint64 // posted funcs run
	Timers    uint64 // timer funcs run on the loop
	Callbacks uint64 // every loop callback: events, tasks and timers

	LongestCallback time.Duration // the longest single loop callback so far
	Stalls          uint64        // callbacks the watchdog reported as stalled
}

// counters are one reactor's share of Stats. Each reactor has its own so
// that connections on different cores do not bounce one cache line; the
// Loop keeps them by reactor index across restarts.
type counters struct {
	open                      atomic.Int64
	accepted, dialed, adopted atomic.Uint64
	bytesIn, bytesOut         atomic.Uint64
	queued                    atomic.Int64
	events, wakeups, parks    atomic.Uint64
	tasks, timers, callbacks  atomic.Uint64
	longest                   atomic.Int64
	stalls                    atomic.Uint64
	_                         [64]byte // keep the next reactor's counters off this cache line
}

func (c *counters) observe(d int64) {
	c.callbacks.Add(1)
	for {
		old := c.longest.Load()
		if d <= old || c.longest.CompareAndSwap(old, d) {
			return
		}
	}
}

// Stats returns a snapshot of the loop's counters, running or not: they
// add up every run of the loop since the process started.
func (lp *Loop) Stats() Stats {
	var s Stats
	if in := lp.cur.Load(); in != nil && in.users.Load()&stoppingBit == 0 {
		s.Loops = len(in.reactors)
		for _, r := range in.reactors {
			if r.runtimeWait() {
				s.RuntimeWait++
			}
		}
	}
	lp.mu.Lock()
	slots := lp.slots
	lp.mu.Unlock()
	for _, c := range slots {
		s.Open += c.open.Load()
		s.Accepted += c.accepted.Load()
		s.Dialed += c.dialed.Load()
		s.Adopted += c.adopted.Load()
		s.BytesIn += c.bytesIn.Load()
		s.BytesOut += c.bytesOut.Load()
		s.Queued += c.queued.Load()
		s.Events += c.events.Load()
		s.Wakeups += c.wakeups.Load()
		s.Parks += c.parks.Load()
		s.Tasks += c.tasks.Load()
		s.Timers += c.timers.Load()
		s.Callbacks += c.callbacks.Load()
		if d := time.Duration(c.longest.Load()); d > s.LongestCallback {
			s.LongestCallback = d
		}
		s.Stalls += c.stalls.Load()
	}
	return s
}

// CurrentStats returns the default loop's snapshot without starting it. On a
// platform without a loop, Fallback is set.
func CurrentStats() Stats {
	if !Available() {
		return Stats{Fallback: true}
	}
	return defaultLoop.Stats()
}

// monotonic time, in nanoseconds since the package was loaded: cheap to
// compare and never affected by wall-clock steps.
var epoch = time.Now()

func nanotime() int64 { return int64(time.Since(epoch)) }
