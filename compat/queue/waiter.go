package queue

import (
	"context"
	"sync"

	"github.com/evshim/evshim/internal/loop"
)

// A waiter is one parked call: a Get, Peek, Put or Join that found it could
// not finish at once. It sits in exactly one waitList while it waits.
//
// The waker completes a waiter in two steps. Under the owner's mutex it
// unlinks the waiter and fills in item and err; after unlocking it sends
// once on ready. The waiting goroutine reads item and err only after it has
// received from ready, so the send orders the writes before the reads.
// Waking strictly one waiter per event (one per item, one per free slot) is
// what keeps a Put from starting a thundering herd of Gets.
type waiter[T any] struct {
	prev, next *waiter[T] // guarded by the owner's mu while linked; next also chains a wake set
	linked     bool       // guarded by the owner's mu: true while in a waitList
	item       T          // a putter's item, or the item handed to a getter or peeker
	err        error      // the outcome the waker chose: nil or ErrShutDown
	ready      chan struct{}
}

// waitList is an intrusive FIFO of waiters: O(1) push, pop and removal of
// any element, which an abandoned wait needs. The zero value is empty.
type waitList[T any] struct {
	head, tail *waiter[T]
	n          int
}

func (l *waitList[T]) push(w *waiter[T]) {
	w.prev, w.next = l.tail, nil
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
	w.linked = true
	l.n++
}

func (l *waitList[T]) remove(w *waiter[T]) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
	w.linked = false
	l.n--
}

// pop unlinks and returns the longest waiting waiter, or nil.
func (l *waitList[T]) pop() *waiter[T] {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// wakeSet collects the waiters that a call completed under the mutex, so
// that they can be signalled after it is released: a woken goroutine then
// does not run straight into the lock its waker still holds.
type wakeSet[T any] struct{ head *waiter[T] }

// add records w, already unlinked and given its outcome, for signalling.
func (s *wakeSet[T]) add(w *waiter[T], v T, err error) {
	w.item, w.err = v, err
	w.next = s.head
	s.head = w
}

// drain unlinks every waiter of l into s with the same outcome.
func (s *wakeSet[T]) drain(l *waitList[T], v T, err error) {
	for w := l.pop(); w != nil; w = l.pop() {
		s.add(w, v, err)
	}
}

// signal wakes every collected waiter. It runs without the mutex. next is
// read before the send because the woken goroutine may reuse w at once.
func (s *wakeSet[T]) signal() {
	for w := s.head; w != nil; {
		next := w.next
		w.next = nil
		w.ready <- struct{}{}
		w = next
	}
}

// waiterPool recycles waiters so that a steady stream of parked calls does
// not allocate. Its zero value is ready to use.
type waiterPool[T any] struct{ p sync.Pool }

func (p *waiterPool[T]) get() *waiter[T] {
	if w, ok := p.p.Get().(*waiter[T]); ok {
		return w
	}
	return &waiter[T]{ready: make(chan struct{}, 1)}
}

// put returns w for reuse; it drops the item so that the pool does not keep
// user values alive.
func (p *waiterPool[T]) put(w *waiter[T]) {
	var zero T
	w.item, w.err = zero, nil
	p.p.Put(w)
}

// park waits until w has been woken or ctx ends. w must already be linked
// into l, and mu must be the mutex that guards l; park is called without
// it. It reports whether w was woken, in which case w.item and w.err hold
// the outcome; otherwise err says why the wait was abandoned.
//
// The loop check comes just before the goroutine would really park, after a
// last look at ready, because it costs about a microsecond
// (loop.InLoop parses the goroutine id from a stack trace).
func park[T any](ctx context.Context, mu *spinLock, l *waitList[T], w *waiter[T]) (woken bool, err error) {
	select {
	case <-w.ready:
		return true, nil
	default:
	}
	done := ctx.Done()
	if done != nil {
		if err := ctx.Err(); err != nil {
			return abandon(mu, l, w, err)
		}
	}
	if loop.InLoop() {
		return abandon(mu, l, w, ErrOnLoop)
	}
	select {
	case <-w.ready:
		return true, nil
	case <-done:
		return abandon(mu, l, w, ctx.Err())
	}
}

// abandon takes w out of l after its wait ended without a wake-up. If a
// waker got there first, w has its outcome already (an item handed over, a
// put accepted): abandon then waits for the waker's imminent send and
// reports the wake-up, so that no item is ever lost to a cancellation.
func abandon[T any](mu *spinLock, l *waitList[T], w *waiter[T], err error) (bool, error) {
	mu.Lock()
	if w.linked {
		l.remove(w)
		mu.Unlock()
		return false, err
	}
	mu.Unlock()
	<-w.ready
	return true, nil
}
