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
// A pending timer keeps the loop running (it starts it if it is idle); a
// timer that fired or was stopped no longer does. If the loop cannot
// start, the returned timer never fires.
func (lp *Loop) AfterFunc(d time.Duration, fn func()) *Timer {
	in, err := lp.acquire()
	if err != nil {
		t := &Timer{fn: fn}
		t.state.Store(timerStopped)
		return t
	}
	return in.pick().afterFuncHeld(d, fn)
}

// afterFunc is AfterFunc on r, which must belong to a running instance
// (the caller holds a registered FD of r's); a timer on a stopping
// instance never fires.
func (r *reactor) afterFunc(d time.Duration, fn func()) *Timer {
	if !r.in.tryAcquire() {
		t := &Timer{r: r, fn: fn}
		t.state.Store(timerStopped)
		return t
	}
	return r.afterFuncHeld(d, fn)
}

// afterFuncHeld arms a timer that takes over one user of r's instance,
// released when the timer fires or is stopped.
func (r *reactor) afterFuncHeld(d time.Duration, fn func()) *Timer {
	t := &Timer{r: r, fn: fn}
	t.t = time.AfterFunc(d, t.fire)
	return t
}

// fire runs on the runtime's timer goroutine and hands fn to the reactor.
func (t *Timer) fire() {
	if t.state.Load() != timerArmed {
		return
	}
	if t.r.post(t.run) != nil && t.state.CompareAndSwap(timerArmed, timerStopped) {
		// The loop was shut down: its descriptors are closed already, so
		// nothing waits for this expiry any more.
		t.r.in.release()
	}
}

// run executes on the reactor.
func (t *Timer) run() {
	if t.state.CompareAndSwap(timerArmed, timerFired) {
		t.r.counters.timers.Add(1)
		t.fn()
		t.r.in.release() // after fn, which may arm the next timer
	}
}

// Stop prevents the timer's func from running. It reports whether it did:
// false means the func has run or is about to run on the loop.
func (t *Timer) Stop() bool {
	if t.t != nil {
		t.t.Stop()
	}
	if t.state.CompareAndSwap(timerArmed, timerStopped) {
		t.r.in.release()
		return true
	}
	return false
}
