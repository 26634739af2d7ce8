package http

import (
	"sync"
	"time"
)

// workerPool runs the fast path's requests on goroutines that outlive a
// request, fed from one FIFO queue that the loop fills.
//
// Why goroutines that outlive a request: one started per request would
// grow its stack from 2 KiB on every request (net/http's handlers need
// several times that); in a profile of the hello-world sweep, stack
// copying was 18% of the server's CPU.
//
// Why a queue rather than a goroutine woken per request: the loop hands
// over requests in bursts (one per readable connection that an epoll_wait
// returned, up to a thousand). Waking a worker for each costs a goroutine
// switch per request and, at 10,000 connections, cycles hundreds of
// stacks through the CPU caches. Workers instead take requests from the
// queue one after another while it has any, so a few warm goroutines serve
// a burst.
//
// A handler may block, so the pool never lets a queued request wait
// behind one: it follows the Go scheduler's rule for spinning threads.
// While the queue is not empty, at least one worker is "spinning" (woken
// or started, and not yet back at the queue); a spinning worker that takes
// a request wakes another if requests remain, before it runs its own. A
// worker is not tied to a connection: an idle connection still holds no
// goroutine.
//
// All fields are guarded by mu.
type workerPool struct {
	mu       sync.Mutex
	queue    []job // jobs[head:] wait, oldest first
	head     int
	spinning int
	idle     []*worker // parked, most recently parked last
	closed   bool
	reaper   *time.Timer // armed while idle is not empty
}

// idleWorkerTimeout is how long a worker waits for a request before it
// exits.
const idleWorkerTimeout = 2 * time.Second

type worker struct {
	wake  chan bool // capacity 1: true sends the worker to the queue (spinning), false ends it
	since int64     // guarded by the pool's mu: monotime it went idle
}

// run queues j. It never blocks, so the loop may call it.
func (p *workerPool) run(j job) {
	p.mu.Lock()
	p.queue = append(p.queue, j)
	w, start := p.spinLocked()
	p.mu.Unlock()
	p.wake(w, start)
}

// spinLocked makes sure a worker is spinning towards a non-empty queue:
// it returns an idle worker to wake, or start true to start a new one.
func (p *workerPool) spinLocked() (w *worker, start bool) {
	if p.spinning > 0 || p.head == len(p.queue) {
		return nil, false
	}
	p.spinning++
	if n := len(p.idle); n > 0 {
		w = p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		return w, false
	}
	return nil, true
}

func (p *workerPool) wake(w *worker, start bool) {
	switch {
	case w != nil:
		w.wake <- true
	case start:
		go p.work()
	}
}

// work is a worker's goroutine; it starts spinning.
func (p *workerPool) work() {
	w := &worker{wake: make(chan bool, 1)}
	spinning := true
	for {
		p.mu.Lock()
		j, ok := p.takeLocked()
		if !ok {
			if spinning {
				p.spinning--
			}
			if !p.restLocked(w) {
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
			if !w.await() {
				return
			}
			spinning = true
			continue
		}
		var next *worker
		var start bool
		if spinning {
			p.spinning--
			spinning = false
			next, start = p.spinLocked()
		}
		p.mu.Unlock()
		p.wake(next, start)
		j.c.serve(j)
	}
}

// takeLocked removes the oldest job from the queue.
func (p *workerPool) takeLocked() (job, bool) {
	if p.head == len(p.queue) {
		return job{}, false
	}
	j := p.queue[p.head]
	p.queue[p.head] = job{}
	p.head++
	switch {
	case p.head == len(p.queue):
		p.queue, p.head = p.queue[:0], 0
	case p.head >= 1024 && 2*p.head >= len(p.queue):
		// A queue that never empties: move the waiting jobs down
		// rather than grow without bound.
		n := copy(p.queue, p.queue[p.head:])
		clear(p.queue[n:])
		p.queue, p.head = p.queue[:n], 0
	}
	return j, true
}

// await waits for the worker to be woken, with a deep stack. The GC
// halves the stack of a goroutine that uses under a quarter of it, and a
// worker waiting with a shallow stack would then regrow it, copying, on
// its next request: that copying was 6% of the server's CPU in the
// hello-world sweep's profile. Waiting below a frame of stackPad bytes
// keeps a grown stack grown.
//
//go:noinline
func (w *worker) await() bool {
	var pad [stackPad]byte
	ok := <-w.wake
	keep(pad[:])
	return ok
}

const stackPad = 4 << 10

// keep uses b so that the compiler keeps await's frame.
//
//go:noinline
func keep(b []byte) { _ = b[len(b)-1] }

// restLocked puts w on the idle stack; false means the pool is closed
// and w must exit.
func (p *workerPool) restLocked(w *worker) bool {
	if p.closed {
		return false
	}
	w.since = monotime()
	p.idle = append(p.idle, w)
	if p.reaper == nil {
		p.reaper = time.AfterFunc(idleWorkerTimeout, p.reap)
	} else if len(p.idle) == 1 {
		p.reaper.Reset(idleWorkerTimeout)
	}
	return true
}

// reap ends the workers idle for idleWorkerTimeout; they are at the
// bottom of the stack.
func (p *workerPool) reap() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := monotime()
	n := 0
	for n < len(p.idle) && now-p.idle[n].since >= int64(idleWorkerTimeout) {
		p.idle[n].wake <- false
		n++
	}
	p.idle = append(p.idle[:0], p.idle[n:]...)
	clear(p.idle[len(p.idle):cap(p.idle)])
	if len(p.idle) > 0 {
		p.reaper.Reset(time.Duration(p.idle[0].since + int64(idleWorkerTimeout) - now))
	}
}

// close ends the idle workers, and each busy one once the queue is empty.
// Jobs queued after close still get a worker, which then exits.
func (p *workerPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		w.wake <- false
	}
	p.idle = nil
	if p.reaper != nil {
		p.reaper.Stop()
	}
}
