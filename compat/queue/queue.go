package queue

import (
	"context"
)

// Queue is a multi-producer, multi-consumer queue with Python's queue.Queue
// semantics: FIFO, LIFO or priority order, an optional bound, blocking and
// non-blocking puts and gets, task counting with TaskDone and Join, and
// Python 3.13's Shutdown.
//
// Multiple goroutines may invoke methods on a Queue simultaneously. The zero
// value is an empty, unbounded FIFO queue ready to use. A Queue must not be
// copied after first use.
//
// Waiters are served in the order they arrived: a Put hands its item to the
// longest-waiting Get, and a Get that frees a slot admits the
// longest-waiting Put. Each event wakes exactly one waiter, except that
// every waiting Peek sees the first item put into an empty queue.
type Queue[T any] struct {
	mu      spinLock
	maxsize int  // immutable after construction; 0 means unbounded
	lifo    bool // immutable after construction

	// The items: in ring for FIFO and LIFO queues, in heap for priority
	// queues (heap.less != nil). Both guarded by mu.
	ring ring[T]
	heap prioHeap[T]

	unfinished int  // guarded by mu: items put and not yet marked done
	shut       bool // guarded by mu: set once by Shutdown

	// The parked calls, each list in arrival order, all guarded by mu. By
	// construction getters and peekers wait only while the queue is empty,
	// and putters only while it is full.
	getters, peekers, putters, joiners waitList[T]

	pool waiterPool[T] // safe for concurrent use
}

// New returns a FIFO queue (Python's queue.Queue) that holds at most
// maxsize items. If maxsize is zero or less, the queue is unbounded.
func New[T any](maxsize int) *Queue[T] {
	q := &Queue[T]{maxsize: max(maxsize, 0)}
	q.ring.noTrim = q.maxsize > 0
	return q
}

// NewLIFO returns a LIFO queue (Python's queue.LifoQueue) that holds at most
// maxsize items: the most recently added item is retrieved first. If maxsize
// is zero or less, the queue is unbounded.
func NewLIFO[T any](maxsize int) *Queue[T] {
	q := &Queue[T]{maxsize: max(maxsize, 0), lifo: true}
	q.ring.noTrim = q.maxsize > 0
	return q
}

// NewPriority returns a priority queue (Python's queue.PriorityQueue) that
// holds at most maxsize items and retrieves the least item first, as less
// orders them. Items that are equal under less (neither is less than the
// other) are retrieved in the order they were put. If maxsize is zero or
// less, the queue is unbounded. For an ordered type, pass [cmp.Less].
//
// less is called with the queue's lock held: it must not call methods of
// the queue. NewPriority panics if less is nil.
func NewPriority[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("compat/queue: NewPriority with nil less")
	}
	q := &Queue[T]{maxsize: max(maxsize, 0), heap: prioHeap[T]{less: less}}
	q.heap.noTrim = q.maxsize > 0
	return q
}

// size returns the number of items. q.mu must be held.
func (q *Queue[T]) size() int {
	if q.heap.less != nil {
		return q.heap.len()
	}
	return q.ring.len()
}

// full reports whether q has no free slot. q.mu must be held.
func (q *Queue[T]) full() bool { return q.maxsize > 0 && q.size() >= q.maxsize }

// push stores v. q.mu must be held.
func (q *Queue[T]) push(v T) {
	if q.heap.less != nil {
		q.heap.push(v)
		return
	}
	q.ring.pushBack(v)
}

// pop removes the next item. q.mu must be held and q must not be empty.
func (q *Queue[T]) pop() T {
	switch {
	case q.heap.less != nil:
		return q.heap.pop()
	case q.lifo:
		return q.ring.popBack()
	}
	return q.ring.popFront()
}

// next returns the item pop would return. q.mu must be held and q must not
// be empty.
func (q *Queue[T]) next() T {
	switch {
	case q.heap.less != nil:
		return q.heap.top()
	case q.lifo:
		return q.ring.back()
	}
	return q.ring.front()
}

// add accepts v into a queue that is not full and not shut down: waiting
// peekers see it, then the longest-waiting getter takes it, or it is
// stored. q.mu must be held.
func (q *Queue[T]) add(v T, wake *wakeSet[T]) {
	q.unfinished++
	if q.peekers.head != nil {
		wake.drain(&q.peekers, v, nil)
	}
	if w := q.getters.pop(); w != nil {
		wake.add(w, v, nil)
		return
	}
	q.push(v)
}

// take removes the next item from a non-empty queue and, if that freed a
// slot someone waits for, admits the longest-waiting putter's item. q.mu
// must be held.
func (q *Queue[T]) take(wake *wakeSet[T]) T {
	v := q.pop()
	if w := q.putters.pop(); w != nil {
		// The queue was full, so no getter or peeker waits: the item is
		// stored, not handed on.
		q.push(w.item)
		q.unfinished++
		var zero T
		wake.add(w, zero, nil)
	}
	return v
}

// Put puts v into the queue, waiting while the queue is full until a slot
// frees up, the queue is shut down, or ctx ends. It returns nil once v is
// in the queue, [ErrShutDown] if the queue is or gets shut down first, and
// ctx.Err() if ctx ends first; in the last two cases v was not added. A
// Put that would wait on an event-loop goroutine returns [ErrOnLoop].
//
// If ctx ends at the moment a slot is given to v, Put returns nil: v is in
// the queue. ctx is consulted only when Put has to wait.
//
// The complexity is O(1) amortized for FIFO and LIFO queues and O(log n)
// for priority queues, where n = q.Len().
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	var wake wakeSet[T]
	q.mu.Lock()
	if q.shut {
		q.mu.Unlock()
		return ErrShutDown
	}
	if !q.full() {
		q.add(v, &wake)
		q.mu.Unlock()
		wake.signal()
		return nil
	}
	w := q.pool.get()
	w.item = v
	q.putters.push(w)
	q.mu.Unlock()

	woken, err := park(ctx, &q.mu, &q.putters, w)
	if woken {
		err = w.err
	}
	q.pool.put(w)
	return err
}

// TryPut puts v into the queue if a slot is free at once. It returns
// [ErrShutDown] after Shutdown and [ErrFull] if the queue is full. It never
// waits and may be called on an event-loop goroutine.
//
// The complexity is that of Put.
func (q *Queue[T]) TryPut(v T) error {
	var wake wakeSet[T]
	q.mu.Lock()
	if q.shut {
		q.mu.Unlock()
		return ErrShutDown
	}
	if q.full() {
		q.mu.Unlock()
		return ErrFull
	}
	q.add(v, &wake)
	q.mu.Unlock()
	wake.signal()
	return nil
}

// Get removes and returns the next item, waiting while the queue is empty
// until an item arrives, the queue is shut down, or ctx ends. On a queue
// that is shut down, Get still returns the remaining items and then
// [ErrShutDown]. It returns ctx.Err() if ctx ends first. A Get that would
// wait on an event-loop goroutine returns [ErrOnLoop].
//
// If ctx ends at the moment an item is handed to this Get, Get returns the
// item: it is never lost. ctx is consulted only when Get has to wait.
//
// The complexity is O(1) amortized for FIFO and LIFO queues and O(log n)
// for priority queues, where n = q.Len().
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var wake wakeSet[T]
	q.mu.Lock()
	if q.size() > 0 {
		v := q.take(&wake)
		q.mu.Unlock()
		wake.signal()
		return v, nil
	}
	if q.shut {
		q.mu.Unlock()
		var zero T
		return zero, ErrShutDown
	}
	w := q.pool.get()
	q.getters.push(w)
	q.mu.Unlock()
	return q.await(ctx, &q.getters, w)
}

// await parks w, linked into l, and returns its outcome.
func (q *Queue[T]) await(ctx context.Context, l *waitList[T], w *waiter[T]) (T, error) {
	var v T
	woken, err := park(ctx, &q.mu, l, w)
	if woken {
		v, err = w.item, w.err
	}
	q.pool.put(w)
	return v, err
}

// TryGet removes and returns the next item if one is there. It returns
// [ErrEmpty] on an empty queue, or [ErrShutDown] if the queue is also shut
// down. It never waits and may be called on an event-loop goroutine.
//
// The complexity is that of Get.
func (q *Queue[T]) TryGet() (T, error) {
	var wake wakeSet[T]
	q.mu.Lock()
	if q.size() > 0 {
		v := q.take(&wake)
		q.mu.Unlock()
		wake.signal()
		return v, nil
	}
	shut := q.shut
	q.mu.Unlock()
	var zero T
	if shut {
		return zero, ErrShutDown
	}
	return zero, ErrEmpty
}

// Peek returns the next item without removing it, waiting as Get does while
// the queue is empty. Every Peek waiting on an empty queue sees the first
// item put into it, even when a waiting Get takes that item at once. It is
// gevent's Queue.peek.
//
// The complexity is O(1).
func (q *Queue[T]) Peek(ctx context.Context) (T, error) {
	q.mu.Lock()
	if q.size() > 0 {
		v := q.next()
		q.mu.Unlock()
		return v, nil
	}
	if q.shut {
		q.mu.Unlock()
		var zero T
		return zero, ErrShutDown
	}
	w := q.pool.get()
	q.peekers.push(w)
	q.mu.Unlock()
	return q.await(ctx, &q.peekers, w)
}

// TryPeek returns the next item without removing it, or the error TryGet
// would return. It never waits. It is gevent's Queue.peek_nowait.
//
// The complexity is O(1).
func (q *Queue[T]) TryPeek() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var zero T
	switch {
	case q.size() > 0:
		return q.next(), nil
	case q.shut:
		return zero, ErrShutDown
	}
	return zero, ErrEmpty
}

// Len returns the number of items in the queue (Python's qsize). Like every
// other answer about a queue shared between goroutines, it may be stale by
// the time the caller acts on it.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.size()
}

// Cap returns the queue's bound, or 0 for an unbounded queue (Python's
// maxsize).
func (q *Queue[T]) Cap() int { return q.maxsize }

// Empty reports whether the queue holds no items.
func (q *Queue[T]) Empty() bool { return q.Len() == 0 }

// Full reports whether the queue is bounded and holds Cap items.
func (q *Queue[T]) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.full()
}

// TaskDone records that one item formerly taken from the queue has been
// processed. When every item put into the queue has been processed, all
// Join calls return. It returns [ErrTooManyTaskDone], and changes nothing,
// when it is called more times than there were items placed in the queue.
// TaskDone keeps working after Shutdown.
//
// The complexity is O(1), or O(j) when it releases j Join calls.
func (q *Queue[T]) TaskDone() error {
	var wake wakeSet[T]
	q.mu.Lock()
	if q.unfinished == 0 {
		q.mu.Unlock()
		return ErrTooManyTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		var zero T
		wake.drain(&q.joiners, zero, nil)
	}
	q.mu.Unlock()
	wake.signal()
	return nil
}

// Unfinished returns the number of items put into the queue for which
// TaskDone has not been called yet (Python's unfinished_tasks).
func (q *Queue[T]) Unfinished() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unfinished
}

// Join waits until every item put into the queue has been processed, that
// is, until Unfinished drops to zero. It returns nil then, or ctx.Err() if
// ctx ends first (gevent's join(timeout) returns False there). A Join that
// would wait on an event-loop goroutine returns [ErrOnLoop].
//
// An immediate Shutdown releases Join only if it brings Unfinished to zero:
// items taken before it still need their TaskDone, as in CPython.
func (q *Queue[T]) Join(ctx context.Context) error {
	q.mu.Lock()
	if q.unfinished == 0 {
		q.mu.Unlock()
		return nil
	}
	w := q.pool.get()
	q.joiners.push(w)
	q.mu.Unlock()
	_, err := q.await(ctx, &q.joiners, w)
	return err
}

// Shutdown shuts the queue down, as Python 3.13's Queue.shutdown does.
// Afterwards every Put and TryPut returns [ErrShutDown], and so does every
// waiting Put, whose item is not added.
//
// If immediate is false, gets continue to return the items still in the
// queue and return ErrShutDown once it is empty; a Get or Peek waiting on
// the empty queue returns ErrShutDown at once.
//
// If immediate is true, the queue is emptied first, Unfinished drops by the
// number of items removed (never below zero) without calling TaskDone, and
// Join calls return if that brought it to zero; then every waiting call
// returns ErrShutDown.
//
// Shutdown may be called more than once; an immediate Shutdown after a
// normal one still empties the queue.
//
// The complexity is O(w) where w is the number of waiting calls, plus O(n)
// for an immediate shutdown, where n = q.Len().
func (q *Queue[T]) Shutdown(immediate bool) {
	var wake wakeSet[T]
	var zero T
	q.mu.Lock()
	q.shut = true
	if immediate {
		n := q.size()
		q.ring.clear()
		q.heap.clear()
		q.unfinished = max(q.unfinished-n, 0)
		if q.unfinished == 0 {
			wake.drain(&q.joiners, zero, nil)
		}
	}
	// Getters and peekers wait only on an empty queue, and a shut-down
	// queue never fills again, so none of them can succeed any more.
	wake.drain(&q.getters, zero, ErrShutDown)
	wake.drain(&q.peekers, zero, ErrShutDown)
	wake.drain(&q.putters, zero, ErrShutDown)
	q.mu.Unlock()
	wake.signal()
}
