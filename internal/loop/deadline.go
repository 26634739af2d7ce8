package loop

import (
	"sync"
	"sync/atomic"
	"time"
)

// deadline is one direction's deadline of an FD, after src/net/pipe.go's
// pipeDeadline: waiters select on a channel that is closed when the
// deadline passes. The timer that closes it fires as a loop callback.
//
// set is serialized by mu; expired and wait are lock-free.
type deadline struct {
	r     *reactor
	wake  chan struct{} // the direction's wake channel: pokes waiters parked before cur existed
	mu    sync.Mutex
	timer *Timer                     // guarded by mu; nil when no timer is armed
	cur   atomic.Pointer[deadlineCh] // nil when no deadline is set
}

// deadlineCh is closed exactly once, when its deadline passes.
type deadlineCh struct {
	c     chan struct{}
	fired atomic.Bool
}

func (d *deadlineCh) fire() bool {
	if d.fired.CompareAndSwap(false, true) {
		close(d.c)
		return true
	}
	return false
}

// set arms the deadline for t; the zero time clears it. A past t fires at
// once, from the caller, so that blocked calls wake immediately.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	stale := false // the old timer is firing now and will close cur
	if d.timer != nil {
		stale = !d.timer.Stop()
		d.timer = nil
	}
	cur := d.cur.Load()
	fresh := func() *deadlineCh {
		if cur == nil || stale || cur.fired.Load() {
			cur = &deadlineCh{c: make(chan struct{})}
			d.cur.Store(cur)
			// A waiter that parked before this channel existed selects on
			// the old one (or none): a token makes it look again.
			select {
			case d.wake <- struct{}{}:
			default:
			}
		}
		return cur
	}
	if t.IsZero() {
		if cur != nil && (stale || cur.fired.Load()) {
			d.cur.Store(nil)
		}
		return
	}
	ch := fresh()
	if dur := time.Until(t); dur > 0 {
		d.timer = d.r.afterFunc(dur, func() {
			if ch.fire() {
				d.r.counters.wakeups.Add(1)
			}
		})
		return
	}
	ch.fire()
}

// expired reports whether the deadline has passed.
func (d *deadline) expired() bool {
	c := d.cur.Load()
	return c != nil && c.fired.Load()
}

// wait returns a channel closed when the deadline passes; nil (blocks
// forever in a select) when there is no deadline.
func (d *deadline) wait() <-chan struct{} {
	if c := d.cur.Load(); c != nil {
		return c.c
	}
	return nil
}

// stop disarms the timer for good; the FD is being destroyed.
func (d *deadline) stop() {
	d.mu.Lock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.mu.Unlock()
}
