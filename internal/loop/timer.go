package loop

import (
	"sync/atomic"
	"time"
)

// Timer runs a func on the loop when it fires. Create one with AfterFunc.
type Timer struct {
	t     *time.Timer
	r     *reactor
	fn    func()
	state atomic.Int32 // timerArmed, timerFired or timerStopped
}

const (
	timerArmed int32 = iota
	timerFired
	timerStopped
)

// AfterFunc waits for d, then runs fn on a reactor, in order with that
// reactor's I/O events. fn must not block. The wait itself uses the Go
// runtime's timer heap; the expiry is delivered as a loop callback, so
// deadline wake-ups are ordered with readiness and counted in Stats.Timers.
func (lp *Loop) AfterFunc(d time.Duration, fn func()) *Timer {
	return lp.pick().afterFunc(d, fn)
}

func (r *reactor) afterFunc(d time.Duration, fn func()) *Timer {
	t := &Timer{r: r, fn: fn}
	t.t = time.AfterFunc(d, t.fire)
	return t
}

// fire runs on the runtime's timer goroutine and hands fn to the reactor.
func (t *Timer) fire() {
	if t.state.Load() != timerArmed {
		return
	}
	if t.r.post(t.run) != nil {
		// The loop stopped: its descriptors are closed already, so nothing
		// waits for this expiry any more.
		t.state.Store(timerStopped)
	}
}

// run executes on the reactor.
func (t *Timer) run() {
	if t.state.CompareAndSwap(timerArmed, timerFired) {
		t.r.counters.timers.Add(1)
		t.fn()
	}
}

// Stop prevents the timer's func from running. It reports whether it did:
// false means the func has run or is about to run on the loop.
func (t *Timer) Stop() bool {
	t.t.Stop()
	return t.state.CompareAndSwap(timerArmed, timerStopped)
}
