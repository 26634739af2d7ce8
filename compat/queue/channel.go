package queue

import (
	"context"
)

// Channel is a rendezvous point that stores nothing: a Put waits until a Get
// takes its item, and a Get waits until a Put offers one. It is gevent's
// Channel, the queue of size zero (Python's queue has none: there maxsize 0
// means unbounded). Puts and Gets are each served in arrival order.
//
// Multiple goroutines may invoke methods on a Channel simultaneously. The
// zero value is ready to use. A Channel must not be copied after first use.
type Channel[T any] struct {
	mu      spinLock
	getters waitList[T] // guarded by mu; non-empty only while putters is empty
	putters waitList[T] // guarded by mu; non-empty only while getters is empty
	pool    waiterPool[T]
}

// Put hands v to a Get, waiting until one takes it or ctx ends. It returns
// nil once a Get has taken v and ctx.Err() if ctx ended first. If ctx ends
// at the moment a Get takes v, Put returns nil. A Put that would wait on an
// event-loop goroutine returns [ErrOnLoop].
//
// The complexity is O(1).
func (c *Channel[T]) Put(ctx context.Context, v T) error {
	c.mu.Lock()
	if g := c.getters.pop(); g != nil {
		c.mu.Unlock()
		c.hand(g, v)
		return nil
	}
	w := c.pool.get()
	w.item = v
	c.putters.push(w)
	c.mu.Unlock()
	woken, err := park(ctx, &c.mu, &c.putters, w)
	c.pool.put(w)
	if woken {
		return nil
	}
	return err
}

// TryPut hands v to a Get that is already waiting, or returns [ErrFull]. It
// never waits and may be called on an event-loop goroutine.
//
// The complexity is O(1).
func (c *Channel[T]) TryPut(v T) error {
	c.mu.Lock()
	g := c.getters.pop()
	c.mu.Unlock()
	if g == nil {
		return ErrFull
	}
	c.hand(g, v)
	return nil
}

// hand gives v to g, which has been unlinked, and wakes it.
func (c *Channel[T]) hand(g *waiter[T], v T) {
	var wake wakeSet[T]
	wake.add(g, v, nil)
	wake.signal()
}

// Get takes an item from a Put, waiting until one offers it or ctx ends. It
// returns ctx.Err() if ctx ends first; if ctx ends at the moment a Put hands
// over its item, Get returns the item. A Get that would wait on an
// event-loop goroutine returns [ErrOnLoop].
//
// The complexity is O(1).
func (c *Channel[T]) Get(ctx context.Context) (T, error) {
	c.mu.Lock()
	if p := c.putters.pop(); p != nil {
		c.mu.Unlock()
		return c.take(p), nil
	}
	w := c.pool.get()
	c.getters.push(w)
	c.mu.Unlock()
	var v T
	woken, err := park(ctx, &c.mu, &c.getters, w)
	if woken {
		v, err = w.item, nil
	}
	c.pool.put(w)
	return v, err
}

// TryGet takes the item of a Put that is already waiting, or returns
// [ErrEmpty]. It never waits and may be called on an event-loop goroutine.
//
// The complexity is O(1).
func (c *Channel[T]) TryGet() (T, error) {
	c.mu.Lock()
	p := c.putters.pop()
	c.mu.Unlock()
	if p == nil {
		var zero T
		return zero, ErrEmpty
	}
	return c.take(p), nil
}

// take reads the item of p, which has been unlinked, and releases p.
func (c *Channel[T]) take(p *waiter[T]) T {
	// p's goroutine reads nothing back but the wake-up, and it cannot
	// reuse p before that, so reading p.item here does not race.
	v := p.item
	var wake wakeSet[T]
	var zero T
	wake.add(p, zero, nil)
	wake.signal()
	return v
}
