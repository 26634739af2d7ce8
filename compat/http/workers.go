package http

import (
	"sync"
	"time"
)

// workerPool runs the fast path's requests on goroutines that outlive a
// request. A goroutine started per request would grow its stack from
// 2 KiB on every request (net/http's handlers need several times that):
// in a profile of the hello-world sweep, stack copying was 18% of the
// server's CPU. A worker keeps its grown stack; the pool is LIFO so the
// warmest worker goes first, and one idle for idleWorkerTimeout exits. A
// worker is not tied to a connection: an idle connection still holds no
// goroutine.
//
// All fields are guarded by mu.
type workerPool struct {
	mu     sync.Mutex
	idle   []*worker // most recently idle last
	closed bool
	reaper *time.Timer // armed while idle is not empty
}

// idleWorkerTimeout is how long a worker waits for a request before it
// exits.
const idleWorkerTimeout = 2 * time.Second

type worker struct {
	jobs  chan fastJob // capacity 1: a send to an idle worker never blocks
	since int64        // guarded by the pool's mu: monotime it went idle
}

// fastJob is a connection with a parsed request at the start of its
// buffer; the zero fastJob tells a worker to exit.
type fastJob struct {
	c *conn
	h head
	n int
}

// run serves j on an idle worker or a new one. It never blocks, so the
// loop may call it.
func (p *workerPool) run(j fastJob) {
	p.mu.Lock()
	var w *worker
	if n := len(p.idle); n > 0 {
		w = p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
	}
	p.mu.Unlock()
	if w != nil {
		w.jobs <- j
		return
	}
	go p.work(j)
}

// work is a worker's goroutine.
func (p *workerPool) work(j fastJob) {
	w := &worker{jobs: make(chan fastJob, 1)}
	for j.c != nil {
		j.c.serveFast(j.h, j.n)
		if !p.rest(w) {
			return
		}
		j = w.await()
	}
}

// await waits for the worker's next job with a deep stack. The GC halves
// the stack of a goroutine that uses under a quarter of it, and a worker
// waiting with a shallow stack would then regrow it, copying, on its next
// request: that copying was 6% of the server's CPU in the hello-world
// sweep's profile. Waiting below a frame of stackPad bytes keeps a
// grown stack grown.
//
//go:noinline
func (w *worker) await() fastJob {
	var pad [stackPad]byte
	j := <-w.jobs
	keep(pad[:])
	return j
}

const stackPad = 4 << 10

// keep uses b so that the compiler keeps await's frame.
//
//go:noinline
func keep(b []byte) { _ = b[len(b)-1] }

// rest puts w on the idle stack; false means the pool is closed and w
// must exit.
func (p *workerPool) rest(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
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
		p.idle[n].jobs <- fastJob{}
		n++
	}
	p.idle = append(p.idle[:0], p.idle[n:]...)
	clear(p.idle[len(p.idle):cap(p.idle)])
	if len(p.idle) > 0 {
		p.reaper.Reset(time.Duration(p.idle[0].since + int64(idleWorkerTimeout) - now))
	}
}

// close ends the idle workers, and each busy one when its connection is
// done.
func (p *workerPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		w.jobs <- fastJob{}
	}
	p.idle = nil
	if p.reaper != nil {
		p.reaper.Stop()
	}
}
