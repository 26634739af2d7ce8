package loadgen

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Generator runs one load test. Create it with [New]; Run may be called
// once. Progress is safe to call from any goroutine at any time.
type Generator struct {
	cfg  Config // normalized by New; immutable
	tgt  target // immutable
	req  []byte // the request bytes, written as is for every request; immutable
	head bool   // the method is HEAD, so responses have no body; immutable

	ran     atomic.Bool
	start   atomic.Pointer[time.Time] // set once by Run before any worker starts
	issued  atomic.Int64              // requests claimed so far, against cfg.Requests
	workers atomic.Pointer[[]*worker] // set by Run before any worker starts; the slice is immutable

	shards []shard // latency histograms; each guarded by its own mu

	failOnce sync.Once
	failErr  error // the error that ended the run; written once under failOnce, read after the workers exit
}

// shard is one of a few histograms that workers flush their latencies into,
// so that thousands of connections do not contend on one lock.
type shard struct {
	mu sync.Mutex
	h  *Histogram // guarded by mu
}

// Progress is a snapshot of a running generator.
type Progress struct {
	Elapsed   time.Duration
	Responses int64 // complete responses, any status
	Errors    int64 // failed requests, BadStatus included
}

// New checks cfg and returns a generator for it.
func New(cfg Config) (*Generator, error) {
	tgt, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg, tgt: tgt, req: buildRequest(&cfg, tgt), head: cfg.Method == "HEAD"}
	g.shards = make([]shard, 2*runtime.GOMAXPROCS(0))
	for i := range g.shards {
		g.shards[i].h = NewHistogram()
	}
	return g, nil
}

// Config returns the configuration with its defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// Progress returns the counts so far. Its cost grows with Concurrency, so
// call it a few times a second at most.
func (g *Generator) Progress() Progress {
	var p Progress
	if s := g.start.Load(); s != nil {
		p.Elapsed = time.Since(*s)
	}
	if ws := g.workers.Load(); ws != nil {
		for _, w := range *ws {
			p.Responses += w.responses.Load()
			for k := range w.errs {
				p.Errors += w.errs[k].Load()
			}
		}
	}
	return p
}

// Run makes the requests and returns the result. It returns an error
// without a result when the target cannot be resolved. When a request error
// ends the run (ContinueOnError unset) or ctx is canceled, it returns the
// partial result together with that error.
func (g *Generator) Run(ctx context.Context) (*Result, error) {
	if !g.ran.CompareAndSwap(false, true) {
		return nil, errors.New("loadgen: Generator.Run called twice")
	}
	addr, err := g.resolve(ctx)
	if err != nil {
		return nil, err
	}
	dialer, sources := g.dialer(addr)

	// The duration cancels runCtx rather than giving it a deadline. A dial
	// derives its own deadline from its context's; that derived timer can
	// fire before runCtx's own, and the dial then fails with "i/o timeout"
	// while runCtx.Err() is still nil, so it would count as an error.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timeUp atomic.Bool
	if g.cfg.Duration > 0 {
		t := time.AfterFunc(g.cfg.Duration, func() {
			timeUp.Store(true)
			cancel()
		})
		defer t.Stop()
	}

	ws := make([]*worker, g.cfg.Concurrency)
	for i := range ws {
		w := &worker{g: g, id: i, dialer: dialer, raddr: addr}
		if len(sources) > 0 {
			w.laddr = sources[i%len(sources)]
		}
		w.cr.w = w
		w.br = bufio.NewReaderSize(&w.cr, 4<<10) // 40 MB for 10,000 connections
		ws[i] = w
	}
	g.workers.Store(&ws)
	start := time.Now()
	g.start.Store(&start)

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

	res := g.result(ws, elapsed, sources)
	switch {
	case g.failErr != nil:
		res.Stopped = "error: " + g.failErr.Error()
		return res, g.failErr
	case ctx.Err() != nil:
		res.Stopped = "interrupted"
		return res, ctx.Err()
	case timeUp.Load():
		res.Stopped = "duration"
	}
	return res, nil
}

// resolve looks the target host up once, so that no request pays for DNS.
// It prefers IPv4, as "localhost" servers commonly listen there.
func (g *Generator) resolve(ctx context.Context) (netip.AddrPort, error) {
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", g.tgt.host)
	if err != nil {
		return netip.AddrPort{}, err // "lookup HOST: ...", the host named
	}
	ip := ips[0]
	for _, a := range ips {
		if a.Unmap().Is4() {
			ip = a.Unmap()
			break
		}
	}
	port, _ := netip.ParseAddrPort("0.0.0.0:" + g.tgt.port) // validated by normalize
	return netip.AddrPortFrom(ip, port.Port()), nil
}

// dialer returns the dialer for every connection and the source addresses
// to spread them over (none when the kernel chooses). TCP keep-alive probes
// are off: they would cost four setsockopt calls per dial and no request
// lives long enough to need them.
func (g *Generator) dialer(addr netip.AddrPort) (*net.Dialer, []netip.AddrPort) {
	d := &net.Dialer{Timeout: g.cfg.Timeout, KeepAlive: -1}
	n := min(g.cfg.Sources, g.cfg.Concurrency)
	if !spreadLoopback || n <= 0 || !addr.Addr().Is4() || !addr.Addr().IsLoopback() || !canBind(net.IPv4(127, 0, 0, 2)) {
		return d, nil
	}
	d.Control = bindNoPort
	srcs := make([]netip.AddrPort, n)
	for i := range srcs {
		// n <= Concurrency may exceed 253; wrap into the next /24s.
		v := 2 + i
		srcs[i] = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, byte(v >> 8), byte(v)}), 0)
	}
	return d, srcs
}

// fail records the first error that ends the run and stops the others.
func (g *Generator) fail(err error, cancel context.CancelFunc) {
	g.failOnce.Do(func() { g.failErr = err })
	cancel()
}

// claim reports whether another request may start.
func (g *Generator) claim() bool {
	return g.cfg.Requests == 0 || g.issued.Add(1) <= int64(g.cfg.Requests)
}
