package loop

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// deadline is one direction's deadline of an FD, after src/net/pipe.go's
// pipeDeadline: waiters select on a channel that is closed when the
// deadline passes. The expiry is delivered as a loop callback.
//
// Setting a deadline allocates nothing in the steady state, as with the
// runtime's own poller: one runtime timer per direction is created on
// first use, and it is re-armed only when a deadline moves earlier than its
// expiry. Extending or clearing a deadline (what net/http does several
// times per request) touches no timer: the armed timer fires early, and
// the loop callback, which compares the clock with the current deadline
// under mu, re-arms it for the rest or does nothing.
type deadline struct {
	r    *reactor                       // immutable
	wake *atomic.Pointer[chan struct{}] // immutable: the direction's wake channel

	mu      sync.Mutex
	when    int64       // guarded by mu: the deadline in monotonic nanotime; 0 = none
	armedAt int64       // guarded by mu: when the timer fires; 0 = not armed
	timer   *time.Timer // guarded by mu: created on first use, then reset
	check   func()      // guarded by mu: d.expire, bound once with the timer

	cur atomic.Pointer[deadlineCh] // nil when no deadline has been set
}

// deadlineRef is an FD's deadline in one direction: nil until a deadline is
// first set, so an FD that never has one (an idle keep-alive connection,
// issue 11's RSS per connection) holds 8 bytes for it instead of the
// deadline's 64. It is created once with a compare-and-swap and then lives
// as long as the FD, except that release, which only the FD's owner calls
// while nobody waits on or sets it, drops it.
type deadlineRef struct{ p atomic.Pointer[deadline] }

// set arms the deadline for t, creating it first unless t is zero (no
// deadline to clear); r and wake are the FD's reactor and the direction's
// wake channel.
func (l *deadlineRef) set(r *reactor, wake *atomic.Pointer[chan struct{}], t time.Time) {
	d := l.p.Load()
	if d == nil {
		if t.IsZero() {
			return
		}
		d = &deadline{r: r, wake: wake}
		if !l.p.CompareAndSwap(nil, d) {
			d = l.p.Load()
		}
	}
	d.set(t)
}

func (l *deadlineRef) expired() bool {
	d := l.p.Load()
	return d != nil && d.expired()
}

// wait is deadline.wait; nil when no deadline was ever set. A deadline set
// after a waiter took this nil wakes it through the wake channel, as set
// does for any deadline that had no channel.
func (l *deadlineRef) wait() <-chan struct{} {
	if d := l.p.Load(); d != nil {
		return d.wait()
	}
	return nil
}

func (l *deadlineRef) stop() {
	if d := l.p.Load(); d != nil {
		d.stop()
	}
}

// release is deadline.release, and drops the deadline: a timer already on
// its way fires into the dropped one, which nobody waits on.
func (l *deadlineRef) release() {
	if l.p.Load() == nil {
		return // never set, or released: the common case, without a locked instruction
	}
	if d := l.p.Swap(nil); d != nil {
		d.release()
	}
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
	cur := d.cur.Load()
	if t.IsZero() {
		d.when = 0 // an armed timer fires into nothing
		if cur != nil && cur.fired.Load() {
			d.cur.Store(nil)
		}
		return
	}
	if cur == nil || cur.fired.Load() {
		cur = &deadlineCh{c: make(chan struct{})}
		d.cur.Store(cur)
		// A waiter that parked before this channel existed selects on
		// the old one (or none): a token makes it look again.
		if ch := d.wake.Load(); ch != nil {
			select {
			case *ch <- struct{}{}:
			default:
			}
		}
	}
	dur := time.Until(t)
	if dur <= 0 {
		d.when = 0
		cur.fire()
		return
	}
	d.when = addClock(nanotime(), dur)
	d.armLocked(dur)
}

// addClock returns now+d, saturated at the largest clock value: a deadline
// far in the future (time.Now().Add(math.MaxInt64)) must not wrap around
// into the past, which would leave the timer armed "earlier" than any
// later deadline and so never re-armed for it (issue 13).
func addClock(now int64, d time.Duration) int64 {
	if int64(d) > math.MaxInt64-now {
		return math.MaxInt64
	}
	return now + int64(d)
}

// armLocked makes sure the timer fires no later than d.when, dur from now.
func (d *deadline) armLocked(dur time.Duration) {
	if d.armedAt != 0 && d.armedAt <= d.when {
		return // it fires first, and expire re-arms for the rest
	}
	d.armedAt = d.when
	if d.timer == nil {
		d.check = d.expire
		d.timer = time.AfterFunc(dur, d.post)
	} else {
		d.timer.Reset(dur)
	}
}

// post runs on the runtime's timer goroutine: the expiry is handled on the
// loop, in order with the reactor's I/O events.
func (d *deadline) post() {
	d.mu.Lock()
	check := d.check
	d.mu.Unlock()
	if check != nil {
		d.r.post(check)
	}
}

// expire runs on the loop. It never waits for d.mu, which a user
// goroutine setting the deadline holds: if the lock is taken, a goroutine
// waits for it off the loop and posts the check again (issue 13.10).
func (d *deadline) expire() {
	if !d.mu.TryLock() {
		go func() {
			d.mu.Lock()
			d.mu.Unlock()
			d.post()
		}()
		return
	}
	defer d.mu.Unlock()
	d.armedAt = 0
	if d.when == 0 {
		return // cleared since the timer was armed
	}
	if now := nanotime(); now < d.when {
		d.armLocked(time.Duration(d.when - now)) // moved later: wait the rest
		return
	}
	d.when = 0
	d.r.counters.timers.Add(1)
	if c := d.cur.Load(); c != nil && c.fire() {
		d.r.counters.wakeups.Add(1)
	}
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
	}
	d.when, d.armedAt = 0, 0
	d.mu.Unlock()
}

// release clears the deadline and drops its timer and channel; the next
// set makes new ones. A firing already on its way finds when == 0 and
// does nothing. Only for an FD that nobody waits on.
func (d *deadline) release() {
	d.mu.Lock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer, d.check = nil, nil
	}
	d.when, d.armedAt = 0, 0
	d.cur.Store(nil)
	d.mu.Unlock()
}
