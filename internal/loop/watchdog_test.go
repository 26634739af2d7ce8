package loop

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDog is a watchdog over one fake reactor, on a fake clock: the
// tests drive its samples, its trip through the run queue and its stack
// dump, and decide what the reactor does meanwhile.
type fakeDog struct {
	w       *watchdog
	busy    atomic.Int64
	gid     atomic.Uint64
	c       counters
	clock   int64
	waits   map[int]int64 // the threads' run-queue waits, as /proc would tell
	onYield func()        // what happens while the watchdog yields
	onStack func()        // what happens while the stack is taken
	stalls  []Stall
	relief  []string
}

const fakeLimit = 100 * time.Millisecond

func newFakeDog(t *testing.T) *fakeDog {
	f := &fakeDog{clock: int64(time.Second), waits: map[int]int64{}}
	f.gid.Store(42)
	f.w = newWatchdogOf([]watched{{busy: &f.busy, gid: &f.gid, c: &f.c}}, fakeLimit, func(s Stall) { f.stalls = append(f.stalls, s) })
	f.w.now = func() int64 { return f.clock }
	f.w.yield = func() {
		if f.onYield != nil {
			f.onYield()
		}
	}
	f.w.stack = func(gid uint64) []byte {
		if gid != 42 {
			t.Errorf("stack of goroutine %d, want the reactor's (42)", gid)
		}
		if f.onStack != nil {
			f.onStack()
		}
		return []byte("goroutine 42 [sleep]:\nexample.blockingCallback()")
	}
	f.w.cpuTime = func() (time.Duration, bool) { return 0, false }
	f.w.waits = func() map[int]int64 {
		m := make(map[int]int64, len(f.waits))
		for k, v := range f.waits {
			m[k] = v
		}
		return m
	}
	f.w.onRelief = func(_ int, why string) { f.relief = append(f.relief, why) }
	return f
}

// begin starts a dispatch callback now, as the reactor does: stamp, then
// the events count.
func (f *fakeDog) begin() { f.busy.Store(f.clock); f.c.events.Add(1) }

// end ends the running callback.
func (f *fakeDog) end() { f.busy.Store(0) }

// tick lets d pass and has the watchdog sample.
func (f *fakeDog) tick(d time.Duration) {
	f.clock += int64(d)
	f.w.sample()
}

const period = fakeLimit / 2

func TestWatchdogReportsHeldCallbackOnce(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.tick(period) // first sight
	f.tick(period) // second sight, at the limit: thread waits are measured from now
	if len(f.stalls) != 0 {
		t.Fatalf("reported before a third sample: %v", f.stalls)
	}
	f.tick(period) // third sight
	if len(f.stalls) != 1 {
		t.Fatalf("%d reports of a callback that held the loop for 1.5 limits, want 1", len(f.stalls))
	}
	s := f.stalls[0]
	if s.Duration != 3*period || s.Starved != 0 || !strings.Contains(string(s.Stack), "blockingCallback") {
		t.Errorf("report %+v", s)
	}
	if got := f.c.stalls.Load(); got != 1 {
		t.Errorf("stalls counter %d, want 1", got)
	}
	f.tick(period)
	f.tick(period)
	if len(f.stalls) != 1 {
		t.Errorf("the same callback was reported %d times", len(f.stalls))
	}
	f.end()
	f.tick(period)
	f.begin() // the next callback is watched afresh
	f.tick(period)
	f.tick(period)
	f.tick(period)
	if len(f.stalls) != 2 {
		t.Errorf("%d reports, want 2 after a second held callback", len(f.stalls))
	}
}

// The watchdog's own goroutine is delayed (its tick comes three limits
// late): a callback it sees once, at an age past the limit, was not seen
// to hold the loop, and is not reported.
func TestWatchdogDelayedWatchdogNoReport(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.tick(3 * fakeLimit) // the process stood still; the reactor too
	f.end()               // it got a CPU back and finished
	f.tick(period)
	f.begin()
	f.tick(period)
	f.end()
	f.tick(period)
	if len(f.stalls) != 0 {
		t.Fatalf("reports of short callbacks after a late tick: %+v", f.stalls)
	}
}

// A pause of the process counts against the callback only as far as it
// can have overlapped it; one that really holds the loop is reported once
// it has held it for the limit outside the pause.
func TestWatchdogDelayedWatchdogHeldCallback(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.clock += int64(10 * time.Millisecond)
	f.tick(3 * fakeLimit) // the sample is 2.5 limits + 10ms late, all of it after the callback began
	if len(f.stalls) != 0 {
		t.Fatalf("reported at first sight: %+v", f.stalls)
	}
	f.tick(period) // second sight
	f.tick(period) // held: 4 limits + 10ms of age, less the pause
	if len(f.stalls) != 1 {
		t.Fatalf("%d reports, want 1", len(f.stalls))
	}
	s := f.stalls[0]
	if want := 3*fakeLimit - period + 10*time.Millisecond; s.Starved != want {
		t.Errorf("Starved = %v, want %v", s.Starved, want)
	}
	if s.Duration != 3*period {
		t.Errorf("Duration = %v, want %v", s.Duration, 3*period)
	}
}

// The reactor is runnable but not scheduled: its callback is short, but
// it waits in the scheduler's run queue past the limit. It finishes once
// the scheduler gets to it, before the watchdog, which queued behind it.
func TestWatchdogReactorWaitingForCPUNoReport(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.onYield = func() {
		f.clock += int64(time.Millisecond)
		f.end()
	}
	for i := 0; i < 4; i++ {
		f.tick(period)
	}
	if len(f.stalls) != 0 {
		t.Fatalf("reported a reactor that only waited for a CPU: %+v", f.stalls)
	}
	if len(f.relief) != 1 || !strings.Contains(f.relief[0], "scheduler") {
		t.Errorf("relief %q", f.relief)
	}
}

// The callback ends while its stack is being taken: the stack is not
// the callback's, and nothing is reported.
func TestWatchdogStackAfterCallbackEndedNoReport(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.onStack = func() {
		f.end()
		f.clock += int64(time.Millisecond)
		f.begin() // and the reactor is in the next one
	}
	f.tick(period)
	f.tick(period)
	f.tick(period)
	if len(f.stalls) != 0 {
		t.Fatalf("reported with a stack taken after the callback ended: %+v", f.stalls)
	}
	if len(f.relief) != 1 || !strings.Contains(f.relief[0], "stack") {
		t.Errorf("relief %q", f.relief)
	}
}

// Two callbacks with the same stamp (begun within one clock tick) are
// two callbacks: the counts tell them apart.
func TestWatchdogSameStampNewCallback(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	s := f.busy.Load()
	f.tick(period)
	f.busy.Store(s) // another callback, begun at the same clock reading
	f.c.tasks.Add(1)
	f.tick(period)
	f.tick(period)
	if len(f.stalls) != 0 {
		t.Fatalf("two callbacks taken for one: %+v", f.stalls)
	}
	f.tick(period) // this one is now seen three times, at 2 limits of age
	if len(f.stalls) != 1 {
		t.Fatalf("%d reports, want 1", len(f.stalls))
	}
}

// A thread of the process waited for a CPU while the callback ran: that
// wait may have been the reactor's, so it is not counted as holding.
func TestWatchdogThreadWaitDiscounted(t *testing.T) {
	f := newFakeDog(t)
	f.tick(period)
	f.begin()
	f.tick(period)
	f.tick(period) // second sight: the snapshot of the threads' waits
	f.waits[7] += int64(80 * time.Millisecond)
	f.waits[9] += int64(5 * time.Millisecond) // a thread born meanwhile
	f.tick(period)
	if len(f.stalls) != 0 {
		t.Fatalf("reported a callback whose thread may have waited 80ms: %+v", f.stalls)
	}
	f.tick(period)
	if len(f.stalls) != 1 {
		t.Fatalf("%d reports, want 1 once the callback held the loop past the wait", len(f.stalls))
	}
	if s := f.stalls[0]; s.Starved != 80*time.Millisecond || s.Duration != 2*fakeLimit-80*time.Millisecond {
		t.Errorf("report %+v", s)
	}
}

// BenchmarkWatchdogThreadWaits measures what one sample of a busy reactor
// costs the watchdog on Linux: one read of every thread's schedstat.
func BenchmarkWatchdogThreadWaits(b *testing.B) {
	for i := 0; i < b.N; i++ {
		threadWaits()
	}
}
