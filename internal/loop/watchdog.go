package loop

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evshim/evshim/internal/cputime"
)

// Stall is the watchdog's report of a loop callback that held its loop
// longer than the limit.
type Stall struct {
	Reactor int // index of the stalled reactor
	// Duration is how long the callback had held the loop when its stack
	// was taken: the time since it began, less Starved.
	Duration time.Duration
	Stack    []byte // the reactor goroutine's stack, taken while that same callback ran

	// What the watchdog saw of the process's own scheduling while the
	// callback ran, to tell a callback that holds the loop from a process
	// that gets no CPU.
	//
	// Starved is the time not counted in Duration: the longer of how late
	// the watchdog's own ticks came (the process, or at least the
	// watchdog, did not run) and, on Linux, the longest time any one
	// thread of the process waited on a run queue for a CPU.
	Starved time.Duration
	// SchedDelay is how long the watchdog's own trip through the Go
	// scheduler's run queue took just before the stack was taken: what a
	// runnable goroutine, such as a preempted reactor, waited then.
	SchedDelay time.Duration
	// CPU is how many CPUs the process used on average while the watchdog
	// watched the callback (0 where unknown). A reactor that computes uses
	// one; a blocked one, none.
	CPU float64
}

func (s Stall) String() string {
	cpu := ""
	if s.CPU > 0 {
		cpu = fmt.Sprintf("the process used %.2f CPUs, and ", s.CPU)
	}
	return fmt.Sprintf("evshim: loop %d: a callback has blocked the loop for %v (not counting %v in which the process or one of its threads waited for a CPU; meanwhile %sa yield to the scheduler took %v)\n%s",
		s.Reactor, s.Duration.Round(time.Millisecond), s.Starved.Round(time.Millisecond), cpu, roundDelay(s.SchedDelay), s.Stack)
}

func roundDelay(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}

// watchdog is gevent's monitor thread: it samples each reactor's "busy
// since" stamp and reports a callback that holds its loop longer than
// limit. It costs the reactors the two clock reads per callback that
// they make anyway, and nothing else.
//
// Wall time since a callback began is not the time it held the loop: on a
// loaded machine the reactor waits for a CPU (the OS does not run its
// thread, or the goroutine waits in the Go scheduler's run queue after a
// preemption or a system call) while its stamp stays set. Under wrk with
// 10,000 connections on two shared cores, the old watchdog, which
// reported any stamp older than the limit at one sample and took the
// stack afterwards, printed reports of 100-150 ms whose stacks showed the
// reactor in its poll or in a socket read. A report is now made only when
// all of these hold:
//
//   - the same callback was seen running at three samples or more (same
//     stamp and same count of callbacks its reactor has run, see
//     identity below);
//   - its age, less the time the process was starved (Stall.Starved),
//     reaches the limit;
//   - it is still running after the watchdog has gone through the
//     scheduler's run queue itself (runtime.Gosched, twice): a reactor
//     that was only waiting there was queued ahead of the watchdog and,
//     its callback being short, has finished it by then;
//   - the stack was taken while that same callback still ran (the
//     identity is read again after the dump), so the stack is the
//     callback's and not whatever the reactor did afterwards.
//
// Identity: the stamp is the nanotime the callback began; the reactor's
// events count grows as a dispatch begins, and its tasks count as a
// posted func ends. Two callbacks seen with the same stamp and the same
// counts would have to begin within one tick of the monotonic clock
// with no count moving between them.
//
// Starved is the longer of two measures. How late the watchdog's own
// ticks came, over the callback's life: then the watchdog, and most likely
// the whole process, did not run. And on Linux, from the second sample on
// (the few callbacks that live that long cost a read of
// /proc/self/task/*/schedstat per sample), the longest time any one thread
// of the process waited on the kernel's run queue: the Go runtime keeps no
// CPU time per goroutine and does not say which thread runs the reactor,
// so the longest wait of any stands for the reactor's. On a starved
// machine a report thus comes later than the limit. Stall.CPU and
// SchedDelay are context for the reader, not part of the decision.
type watchdog struct {
	limit  time.Duration
	period time.Duration
	report func(Stall)
	rs     []watched
	done   chan struct{} // closed by stop
	once   sync.Once
	wg     *sync.WaitGroup // Done when run returns; nil in tests

	// What the watchdog observes the process with; tests replace them.
	now      func() int64                 // monotonic nanoseconds
	yield    func()                       // a trip through the Go scheduler's run queue
	stack    func(gid uint64) []byte      // a goroutine's stack
	cpuTime  func() (time.Duration, bool) // the process's CPU time so far
	waits    func() map[int]int64         // each thread's run-queue wait so far; nil: unknown
	onStall  func(i int)                  // counts a report
	onRelief func(i int, why string)      // a candidate that was not reported; nil: ignored

	// Sampler state: the watchdog goroutine's only.
	last  int64 // time of the previous sample; 0 before the first
	state []watchState
}

// watched is what the watchdog reads of one reactor.
type watched struct {
	busy *atomic.Int64  // the reactor's busySince
	gid  *atomic.Uint64 // the reactor goroutine's id
	c    *counters      // the reactor's counters: events and tasks identify a callback
}

// seq is a count that moves between any two callbacks of the reactor and
// stays put while one callback runs.
func (r watched) seq() uint64 { return r.c.events.Load() + r.c.tasks.Load() }

// watchState is what the watchdog knows of the callback running on one
// reactor.
type watchState struct {
	stamp    int64         // its busy stamp; 0: none being watched
	seq      uint64        // its reactor's seq when first seen
	first    int64         // when the watchdog first saw it
	paused   int64         // how late the watchdog's ticks came since it began, as far as they can overlap it
	cpu0     time.Duration // the process's CPU time at first sight
	cpuOK    bool          // cpu0 is known
	waits0   map[int]int64 // the threads' run-queue waits at the second sight; nil before
	reported bool
}

func newWatchdog(in *instance, limit time.Duration, report func(Stall)) *watchdog {
	rs := make([]watched, len(in.reactors))
	for i, r := range in.reactors {
		rs[i] = watched{busy: &r.busySince, gid: &r.gid, c: r.counters}
	}
	w := newWatchdogOf(rs, limit, report)
	w.wg = &in.wg
	return w
}

// newWatchdogOf returns a watchdog of the reactors rs that observes the
// real process.
func newWatchdogOf(rs []watched, limit time.Duration, report func(Stall)) *watchdog {
	if report == nil {
		report = func(s Stall) { os.Stderr.WriteString(s.String() + "\n") }
	}
	period := limit / 2
	if period < time.Millisecond {
		period = time.Millisecond
	}
	return &watchdog{
		limit: limit, period: period, report: report, rs: rs, done: make(chan struct{}),
		now:     nanotime,
		yield:   func() { runtime.Gosched(); runtime.Gosched() },
		stack:   goroutineStack,
		cpuTime: processCPUTime,
		waits:   threadWaits,
		onStall: func(i int) { rs[i].c.stalls.Add(1) },
		state:   make([]watchState, len(rs)),
	}
}

func (w *watchdog) stop() { w.once.Do(func() { close(w.done) }) }

func (w *watchdog) run() {
	if w.wg != nil {
		defer w.wg.Done()
	}
	t := time.NewTicker(w.period)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		w.sample()
	}
}

// sample looks at every reactor once. It runs on the watchdog goroutine.
func (w *watchdog) sample() {
	now := w.now()
	// late is how much later than asked this sample comes: time in which
	// the watchdog, and most likely the whole process, did not run (the
	// OS gave it no CPU, the world was stopped, or the watchdog's own
	// stack dump took that long).
	var late int64
	if w.last != 0 {
		late = max(0, now-w.last-int64(w.period))
	}
	w.last = now
	var waits map[int]int64 // read at most once per sample, when needed
	waitsRead := false
	threadWaits := func() map[int]int64 {
		if !waitsRead {
			waits, waitsRead = w.waits(), true
		}
		return waits
	}
	for i, r := range w.rs {
		st := &w.state[i]
		s, q := r.busy.Load(), r.seq()
		if s == 0 {
			*st = watchState{}
			continue
		}
		if s != st.stamp || q != st.seq {
			// A callback not seen before: watch it from now on. The
			// lateness of this sample counts only for the part of it
			// that can have fallen after the callback began.
			cpu, ok := w.cpuTime()
			*st = watchState{stamp: s, seq: q, first: now, paused: min(late, max(0, now-s)),
				cpu0: cpu, cpuOK: ok}
			continue
		}
		// The same callback at two samples: it ran across this lateness.
		st.paused += late
		if st.waits0 == nil {
			// Only now, the callback having lived a period (most never
			// do: the snapshot costs a read per thread), and the waits are
			// measured from this sample on: the callback is judged at the
			// next, a third, at the earliest. Three samples half a limit
			// apart span a limit, so that does not delay a report.
			st.waits0 = threadWaits()
			if st.waits0 == nil {
				st.waits0 = map[int]int64{}
			}
			continue
		}
		if st.reported || time.Duration(now-s-st.paused) < w.limit {
			continue
		}
		starved := max(st.paused, longestWait(st.waits0, threadWaits()))
		if time.Duration(now-s-starved) < w.limit {
			w.relieved(i, "its thread may have waited for a CPU")
			continue
		}
		w.check(i, st, starved)
	}
}

// longestWait returns the longest time any one thread waited for a CPU
// between the snapshots before and after; a thread that was not in
// before started after it.
func longestWait(before, after map[int]int64) int64 {
	var longest int64
	for tid, ns := range after {
		longest = max(longest, ns-before[tid])
	}
	return longest
}

// check reports the callback that st watches on reactor i if it is still
// running once the watchdog has itself waited in the run queue, and its
// stack is taken while it runs.
func (w *watchdog) check(i int, st *watchState, starved int64) {
	r := w.rs[i]
	same := func() bool { return r.busy.Load() == st.stamp && r.seq() == st.seq }
	t0 := w.now()
	w.yield()
	sched := w.now() - t0
	if !same() {
		w.relieved(i, "it ended once the scheduler had run the watchdog")
		return
	}
	stack := w.stack(r.gid.Load())
	if !same() {
		w.relieved(i, "it ended while its stack was taken")
		return
	}
	now := w.now()
	st.reported = true
	w.onStall(i)
	s := Stall{
		Reactor:    i,
		Duration:   time.Duration(now - st.stamp - starved),
		Stack:      stack,
		Starved:    time.Duration(starved),
		SchedDelay: time.Duration(sched),
	}
	if cpu, ok := w.cpuTime(); ok && st.cpuOK && now > st.first {
		s.CPU = float64(cpu-st.cpu0) / float64(now-st.first)
	}
	w.report(s)
}

func (w *watchdog) relieved(i int, why string) {
	if w.onRelief != nil {
		w.onRelief(i, why)
	}
}

// goroutineStack returns the stack of goroutine id, cut from a dump of all
// goroutines. The dump stops the world for as long as it takes, longer the
// more goroutines there are, which is fine for a rare report; the
// watchdog's next sample counts that time as a pause.
func goroutineStack(id uint64) []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + strconv.FormatUint(id, 10) + " [")
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(g, head) {
			return g
		}
	}
	return nil
}

// processCPUTime is the CPU time the process has used so far, user and
// system together.
func processCPUTime() (time.Duration, bool) {
	u, s, ok := cputime.Process()
	return u + s, ok
}
