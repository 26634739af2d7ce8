// Package queue provides the synchronized queues of Python's queue module
// (3.13 and later) and of gevent.queue, with Go generics and Go names: FIFO,
// LIFO and priority queues with an optional bound, blocking and
// non-blocking puts and gets, task counting (TaskDone and Join), Shutdown,
// Peek, and the rendezvous Channel.
//
// A blocking call takes a [context.Context]: its deadline is Python's and
// gevent's timeout=, and its cancellation has no Python counterpart. The
// non-blocking variants are separate methods named Try…: Python's
// q.get(block=False) and q.get_nowait() are both q.TryGet(), q.get() is
// q.Get(context.Background()), and q.get(timeout=1.5) is
//
//	ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
//	defer cancel()
//	v, err := q.Get(ctx) // err is context.DeadlineExceeded where Python raises Empty
//
// docs/queue.md maps every Python and gevent name to its counterpart here.
//
// # Cooperative waits
//
// A call that has to wait parks only its own goroutine, never an event-loop
// goroutine: a call that would wait while running as a loop callback (see
// internal/loop) returns [ErrOnLoop] at once instead of freezing every
// connection on that loop. Calls that need not wait (a Get on a non-empty
// queue, every Try… method) work anywhere. Waits use no goroutines and no
// timers of their own, so an abandoned wait leaks nothing.
//
// Busy-polling TryGet in a loop callback starves the loop just as a
// blocking call would: re-arm the callback with a timer instead.
//
// # Differences from Python
//
//   - Waits end on a context, and report ctx.Err() ([context.Canceled] or
//     [context.DeadlineExceeded]) where Python raises Empty or Full after a
//     timeout. A wait that is handed an item (or a slot) at the moment its
//     context ends returns the item; nothing is lost.
//   - NewPriority takes a less function instead of comparing items, and
//     items that are equal under it leave in insertion order. Python's
//     PriorityQueue compares whole entries, so ties fall through to the data
//     (and raise TypeError for data that does not compare).
//   - Waiters are served strictly in arrival order and an item is handed
//     directly to the longest-waiting Get; Python's condition variables let
//     a newly arriving get overtake a woken one.
//   - Every Queue has TaskDone and Join (Python's Queue has them; gevent
//     keeps them for JoinableQueue and LifoQueue). TaskDone returns
//     [ErrTooManyTaskDone] where Python raises ValueError.
//   - Join takes a context: it returns nil when all tasks are done and
//     ctx.Err() when the context ends first (gevent's join(timeout) returns
//     True or False).
//   - Cap reports 0 for an unbounded queue whatever non-positive maxsize
//     was given; Python keeps the value given.
//   - There is no SimpleQueue: New(0) serves, and costs the same.
//   - Queues are not iterable; loop over Get until it returns ErrShutDown.
//     gevent's convention of putting StopIteration to end an iteration
//     becomes Shutdown(false).
//   - Channel has no shutdown, like gevent's; end waits with the context.
//
// The generated coverage table, COMPAT.md at the repository root, lists
// every operation with its Python and gevent names and the tests behind it.
package queue
