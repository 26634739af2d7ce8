package loadgen

import (
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

	ran    atomic.Bool
	start  atomic.Pointer[time.Time]   // set once by the engine before any request starts
	issued atomic.Int64                // requests claimed so far, against cfg.Requests
	counts atomic.Pointer[[]*counters] // set by the engine before any request starts; the slice is immutable
	stop   atomic.Bool                 // set when the run ends early: canceled, timed out or failed

	shards []shard // latency histograms; each guarded by its own mu

	failOnce sync.Once
	failErr  error // the error that ended the run; written once under failOnce, read after the engine returns
}

// shard is one of a few histograms that the goroutine engine's workers
// flush their latencies into, so that thousands of connections do not
// contend on one lock; the epoll engine merges each thread's own histogram
// into one at the end.
type shard struct {
	mu sync.Mutex
	h  *Histogram // guarded by mu
}

// counters are one connection's (goroutine engine) or one thread's (epoll
// engine) counts. Their owner writes them; Progress and the result read
// them. Each sits in its own allocation, padded, so that owners on
// different cores do not share a cache line.
type counters struct {
	responses atomic.Int64
	bytes     atomic.Int64
	open      atomic.Int64 // connections open now
	errs      [numKinds]atomic.Int64
	status    [6]atomic.Int64 // by status/100; 0 holds codes below 100 or above 599
	_         [64]byte
}

// count records a complete response with the given status.
func (c *counters) count(status int) {
	c.responses.Add(1)
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	c.status[class].Add(1)
	if status >= 400 {
		c.errs[BadStatus].Add(1)
	}
}

// Progress is a snapshot of a running generator.
type Progress struct {
	Elapsed   time.Duration
	Responses int64 // complete responses, any status
	Errors    int64 // failed requests, BadStatus included
	Open      int64 // connections open now
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
	if cs := g.counts.Load(); cs != nil {
		for _, c := range *cs {
			p.Responses += c.responses.Load()
			p.Open += c.open.Load()
			for k := range c.errs {
				p.Errors += c.errs[k].Load()
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
	sources := g.sources(addr)

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
	// stop is what the epoll engine's threads check between events.
	stopped := context.AfterFunc(runCtx, func() { g.stop.Store(true) })
	defer stopped()

	run := engineFunc(runGoroutines)
	if g.cfg.Engine == EngineEpoll {
		run = epollEngine
	}
	meter := startCPU()
	elapsed := run(g, runCtx, cancel, addr, sources)

	res := g.result(*g.counts.Load(), elapsed, sources)
	res.CPU = meter.stop(res.Responses, addr)
	switch {
	case g.failErr != nil:
		res.Stopped = "error: " + g.failErr.Error()
		return res, g.failErr
	case ctx.Err() != nil:
		res.Stopped = "interrupted"
		return res, ctx.Err()
	case timeUp.Load(), g.cfg.Duration > 0 && elapsed >= g.cfg.Duration:
		// The epoll engine's threads may end a timed run before the timer
		// fires.
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

// begin marks the start of the run; an engine calls it once its
// connections' state is set up, just before the first request.
func (g *Generator) begin(cs []*counters) time.Time {
	g.counts.Store(&cs)
	start := time.Now()
	g.start.Store(&start)
	return start
}

// sources returns the source addresses to spread the connections over,
// none when the kernel chooses.
func (g *Generator) sources(addr netip.AddrPort) []netip.AddrPort {
	n := min(g.cfg.Sources, g.cfg.Concurrency)
	if !spreadLoopback || n <= 0 || !addr.Addr().Is4() || !addr.Addr().IsLoopback() || !canBind(net.IPv4(127, 0, 0, 2)) {
		return nil
	}
	srcs := make([]netip.AddrPort, n)
	for i := range srcs {
		// n <= Concurrency may exceed 253; wrap into the next /24s.
		v := 2 + i
		srcs[i] = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, byte(v >> 8), byte(v)}), 0)
	}
	return srcs
}

// fail records the first error that ends the run and stops the others.
func (g *Generator) fail(err error, cancel context.CancelFunc) {
	g.failOnce.Do(func() { g.failErr = err })
	g.stop.Store(true)
	cancel()
}

// claim reports whether another request may start.
func (g *Generator) claim() bool {
	return g.cfg.Requests == 0 || g.issued.Add(1) <= int64(g.cfg.Requests)
}
