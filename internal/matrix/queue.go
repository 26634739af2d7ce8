package matrix

// compat/queue rows: one per exported operation of
// github.com/evshim/evshim/compat/queue. Cooperative here means that a wait
// never parks a loop goroutine: a call that would wait while running as a
// loop callback returns queue.ErrOnLoop instead (proved by
// compat/queue.TestOnLoop, which runs each call through loop.Post and checks
// the loop's task counter), and a call that need not wait works anywhere.
var _ = register(func() []Row {
	const (
		waits    = "Waits only on the caller's own goroutine; on a loop goroutine a call that would wait returns ErrOnLoop instead of parking the loop."
		noWait   = "Never waits, so it is safe in a loop callback."
		ctxDev   = "Ends on a context.Context, not a timeout, and then returns ctx.Err() where Python raises Empty/Full; an item or slot handed over as the context ends is kept, not lost."
		onLoop   = "compat/queue.TestOnLoop"
		model    = "compat/queue.TestModel"
		fuzz     = "compat/queue.FuzzQueue"
		shutdown = "compat/queue.TestShutdown"
	)
	row := func(name, reason, dev, counterpart string, tests ...string) Row {
		return Row{
			Pkg:         "compat/queue",
			Name:        name,
			Status:      Cooperative,
			Reason:      reason,
			Deviation:   dev,
			Counterpart: counterpart,
			Tests:       tests,
		}
	}
	return []Row{
		row("New", "Builds a FIFO queue; construction never waits.",
			"maxsize <= 0 is stored as 0 (Cap reports 0).",
			"queue.Queue(maxsize), queue.SimpleQueue(), gevent.queue.Queue(maxsize), gevent.queue.JoinableQueue(maxsize)",
			"compat/queue.TestOrder", "compat/queue.TestLenCapEmptyFull", model),
		row("NewLIFO", "Builds a LIFO queue; construction never waits.", "",
			"queue.LifoQueue(maxsize), gevent.queue.LifoQueue(maxsize)",
			"compat/queue.TestOrder", model),
		row("NewPriority", "Builds a priority queue on a binary heap; construction never waits.",
			"Orders by a less func; ties leave in insertion order (Python compares whole entries).",
			"queue.PriorityQueue(maxsize), gevent.queue.PriorityQueue(maxsize)",
			"compat/queue.TestOrder", "compat/queue.TestPriorityLarge", model),
		row("Queue.Put", waits, ctxDev,
			"queue.Queue.put, gevent.queue.Queue.put",
			"compat/queue.TestPutWaits", "compat/queue.TestContext", "compat/queue.TestCancelWhileParked", onLoop, shutdown),
		row("Queue.TryPut", noWait, "",
			"queue.Queue.put_nowait, queue.Queue.put(block=False), gevent.queue.Queue.put_nowait",
			"compat/queue.TestNonBlocking", onLoop, model, fuzz),
		row("Queue.Get", waits, ctxDev,
			"queue.Queue.get, gevent.queue.Queue.get",
			"compat/queue.TestGetWaits", "compat/queue.TestContext", "compat/queue.TestCancelRace", onLoop, shutdown),
		row("Queue.TryGet", noWait, "",
			"queue.Queue.get_nowait, queue.Queue.get(block=False), gevent.queue.Queue.get_nowait",
			"compat/queue.TestNonBlocking", onLoop, model, fuzz),
		row("Queue.Peek", waits, ctxDev,
			"gevent.queue.Queue.peek (no stdlib counterpart)",
			"compat/queue.TestPeek", "compat/queue.TestContext", onLoop, shutdown),
		row("Queue.TryPeek", noWait, "",
			"gevent.queue.Queue.peek_nowait (no stdlib counterpart)",
			"compat/queue.TestPeek", onLoop, model, fuzz),
		row("Queue.Len", noWait, "",
			"queue.Queue.qsize, gevent.queue.Queue.qsize, len(gevent.queue.Queue)",
			"compat/queue.TestLenCapEmptyFull", model),
		row("Queue.Cap", noWait, "Reports 0 for every unbounded queue; Python keeps the maxsize given and gevent reports None.",
			"queue.Queue.maxsize, gevent.queue.Queue.maxsize",
			"compat/queue.TestLenCapEmptyFull"),
		row("Queue.Empty", noWait, "",
			"queue.Queue.empty, gevent.queue.Queue.empty",
			"compat/queue.TestLenCapEmptyFull", model),
		row("Queue.Full", noWait, "",
			"queue.Queue.full, gevent.queue.Queue.full",
			"compat/queue.TestLenCapEmptyFull", model),
		row("Queue.TaskDone", noWait, "Returns ErrTooManyTaskDone where Python raises ValueError.",
			"queue.Queue.task_done, gevent.queue.JoinableQueue.task_done",
			"compat/queue.TestTaskDoneJoin", model, fuzz),
		row("Queue.Join", waits, "Takes a context: nil when all tasks are done, ctx.Err() when it ends first (gevent's join(timeout) returns True/False).",
			"queue.Queue.join, gevent.queue.JoinableQueue.join",
			"compat/queue.TestTaskDoneJoin", "compat/queue.TestContext", onLoop, shutdown),
		row("Queue.Unfinished", noWait, "",
			"queue.Queue.unfinished_tasks, gevent.queue.JoinableQueue.unfinished_tasks",
			"compat/queue.TestTaskDoneJoin", model),
		row("Queue.Shutdown", noWait+" It wakes every waiter with one signal each, after releasing the lock.",
			"",
			"queue.Queue.shutdown (3.13), gevent.queue.Queue.shutdown (24.10.1)",
			shutdown, model, fuzz),
		row("Channel.Put", waits, ctxDev,
			"gevent.queue.Channel.put (no stdlib counterpart)",
			"compat/queue.TestChannel", onLoop),
		row("Channel.TryPut", noWait, "Succeeds only if a Get already waits; gevent's put_nowait also waits one loop turn.",
			"gevent.queue.Channel.put_nowait",
			"compat/queue.TestChannel"),
		row("Channel.Get", waits, ctxDev,
			"gevent.queue.Channel.get (no stdlib counterpart)",
			"compat/queue.TestChannel", onLoop),
		row("Channel.TryGet", noWait, "",
			"gevent.queue.Channel.get_nowait",
			"compat/queue.TestChannel", onLoop),
	}
})
