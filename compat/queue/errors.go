package queue

import "errors"

// The errors below are returned as they are, never wrapped, so callers may
// compare with == as well as with [errors.Is]. A wait that ends because its
// context ended returns the context's own error ([context.Canceled] or
// [context.DeadlineExceeded]), never one of these.
var (
	// ErrEmpty is returned by TryGet and TryPeek on an empty queue, and by
	// Channel.TryGet when no sender is waiting. It is Python's queue.Empty.
	ErrEmpty = errors.New("compat/queue: queue is empty")

	// ErrFull is returned by TryPut on a full queue, and by Channel.TryPut
	// when no receiver is waiting. It is Python's queue.Full.
	ErrFull = errors.New("compat/queue: queue is full")

	// ErrShutDown is returned by puts after Shutdown, and by gets once a
	// shut-down queue is empty. It is Python 3.13's queue.ShutDown.
	ErrShutDown = errors.New("compat/queue: queue is shut down")

	// ErrTooManyTaskDone is returned by TaskDone when it is called more
	// times than there were items placed in the queue. Python raises
	// ValueError("task_done() called too many times").
	ErrTooManyTaskDone = errors.New("compat/queue: TaskDone called too many times")

	// ErrOnLoop is returned by a call that would have to wait (Get, Put,
	// Peek, Join, Channel.Get, Channel.Put) when it runs on an event-loop
	// goroutine: parking there would freeze every connection served by that
	// loop. Use the Try variants inside loop callbacks, or hand the wait to a
	// goroutine of its own.
	ErrOnLoop = errors.New("compat/queue: blocking call on an event-loop goroutine would stall the loop; use TryGet/TryPut/TryPeek there, or wait in a goroutine of your own")
)
