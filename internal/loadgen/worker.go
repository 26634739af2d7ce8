package loadgen

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"sync"
	"time"
)

// batchSize is how many latencies a worker keeps before it takes a shard
// lock to flush them.
const batchSize = 256

// runGoroutines is the goroutine engine: one goroutine per connection
// over the net package, for every OS. It returns the run's elapsed time.
func runGoroutines(g *Generator, runCtx context.Context, cancel context.CancelFunc, addr netip.AddrPort, sources []netip.AddrPort) time.Duration {
	// TCP keep-alive probes are off: they would cost four setsockopt calls
	// per dial and no request lives long enough to need them.
	dialer := &net.Dialer{Timeout: g.cfg.Timeout, KeepAlive: -1}
	if len(sources) > 0 {
		dialer.Control = bindNoPort
	}
	ws := make([]*worker, g.cfg.Concurrency)
	cs := make([]*counters, len(ws))
	for i := range ws {
		w := &worker{g: g, id: i, dialer: dialer, raddr: addr}
		if len(sources) > 0 {
			w.laddr = sources[i%len(sources)]
		}
		w.cr.w = w
		w.br = bufio.NewReaderSize(&w.cr, 4<<10) // 40 MB for 10,000 connections
		ws[i], cs[i] = w, &w.counters
	}
	start := g.begin(cs)

	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(runCtx, cancel)
		}()
	}
	// A stopped run must not wait for requests in flight: interrupt them.
	done := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		select {
		case <-runCtx.Done():
			for _, w := range ws {
				w.interrupt()
			}
		case <-done:
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	watcher.Wait()
	return elapsed
}

// worker is one connection slot: one goroutine making one request at a time.
type worker struct {
	g      *Generator     // immutable
	id     int            // immutable
	dialer *net.Dialer    // immutable
	laddr  netip.AddrPort // source address, port 0; invalid for the kernel's choice; immutable
	raddr  netip.AddrPort // target; immutable

	counters // written by the worker goroutine, read by Progress

	// Owned by the worker goroutine.
	br   *bufio.Reader
	cr   countingReader
	lat  [batchSize]int64
	nlat int

	// mu lets Run interrupt a request blocked in the kernel: the worker
	// publishes its connection here, and interrupt expires its deadline.
	mu      sync.Mutex
	conn    net.Conn // guarded by mu for writes and for readers other than the worker
	stopped bool     // guarded by mu; set by interrupt, never cleared
}

// countingReader is the bufio.Reader's source: the current connection,
// counting the bytes read from it.
type countingReader struct {
	w *worker
	c net.Conn // owned by the worker goroutine
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.c.Read(p)
	r.w.bytes.Add(int64(n))
	return n, err
}

func (w *worker) run(ctx context.Context, cancel context.CancelFunc) {
	defer w.finish()
	for ctx.Err() == nil && w.g.claim() {
		start := time.Now()
		status, err := w.do(ctx, start.Add(w.g.cfg.Timeout))
		if err != nil {
			w.closeConn()
			if ctx.Err() != nil {
				return // interrupted: neither a response nor a failure
			}
			w.errs[Classify(err)].Add(1)
			if !w.g.cfg.ContinueOnError {
				w.g.fail(err, cancel)
				return
			}
			continue
		}
		w.record(time.Since(start))
		w.count(status)
	}
}

// do makes one request, dialing first when there is no open connection,
// and returns the response's status code.
func (w *worker) do(ctx context.Context, deadline time.Time) (int, error) {
	if w.conn == nil {
		c, err := w.dial(ctx)
		if err != nil {
			return 0, err
		}
		if err := w.setConn(c); err != nil {
			return 0, err
		}
	}
	if err := w.arm(deadline); err != nil {
		return 0, err
	}
	if _, err := w.conn.Write(w.g.req); err != nil {
		return 0, err
	}
	resp, err := readResponse(w.br, w.g.head)
	if err != nil {
		return 0, err
	}
	if !resp.reuse || !w.g.cfg.KeepAlive {
		w.closeConn()
	}
	return resp.status, nil
}

// dial opens a connection to the target, from the worker's source address
// when it has one.
func (w *worker) dial(ctx context.Context) (net.Conn, error) {
	if !w.laddr.IsValid() {
		return w.dialer.DialContext(ctx, "tcp", w.raddr.String())
	}
	d := *w.dialer
	d.LocalAddr = net.TCPAddrFromAddrPort(w.laddr)
	return d.DialContext(ctx, "tcp", w.raddr.String())
}

// setConn publishes a new connection, or closes it when the run stopped.
func (w *worker) setConn(c net.Conn) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		c.Close()
		return context.Canceled
	}
	w.conn = c
	w.cr.c = c
	w.open.Add(1)
	w.br.Reset(&w.cr)
	return nil
}

// arm sets the request's deadline, unless interrupt already expired it: a
// later deadline would undo the interrupt.
func (w *worker) arm(deadline time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return context.Canceled
	}
	return w.conn.SetDeadline(deadline)
}

// interrupt ends the request in flight, if any. It runs on Run's watcher
// goroutine.
func (w *worker) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.conn != nil {
		w.conn.SetDeadline(time.Unix(1, 0))
	}
}

func (w *worker) closeConn() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
		w.open.Add(-1)
		w.cr.c = nil
	}
}

func (w *worker) record(d time.Duration) {
	w.lat[w.nlat] = int64(d)
	w.nlat++
	if w.nlat == batchSize {
		w.flush()
	}
}

func (w *worker) flush() {
	s := &w.g.shards[w.id%len(w.g.shards)]
	s.mu.Lock()
	for _, v := range w.lat[:w.nlat] {
		s.h.Record(v)
	}
	s.mu.Unlock()
	w.nlat = 0
}

func (w *worker) finish() {
	w.closeConn()
	w.flush()
}
