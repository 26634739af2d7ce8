package loadgen

import (
	"context"
	"net/netip"
	"runtime"
	"time"
)

// The engines, by Config.Engine name.
const (
	// EngineEpoll drives the connections from a few locked OS threads,
	// each with its own epoll instance and non-blocking sockets, as wrk
	// does (engine_linux.go). Linux only.
	EngineEpoll = "epoll"
	// EngineGoroutine gives each connection its own goroutine over the net
	// package (worker.go). Every OS.
	EngineGoroutine = "goroutine"
)

// engineFunc runs the requests of g until they are all made or runCtx
// ends, and returns the elapsed time from g.begin. It calls g.begin once,
// before the first request. A request error that ends the run goes to
// g.fail with cancel.
type engineFunc func(g *Generator, runCtx context.Context, cancel context.CancelFunc, addr netip.AddrPort, sources []netip.AddrPort) time.Duration

// Engines returns the engines this platform has, the default first.
func Engines() []string {
	if epollEngine != nil {
		return []string{EngineEpoll, EngineGoroutine}
	}
	return []string{EngineGoroutine}
}

// threads returns how many threads the epoll engine runs; 0 for the
// goroutine engine.
func (g *Generator) threads() int {
	if g.cfg.Engine != EngineEpoll {
		return 0
	}
	// More threads than Ps would take turns on them, each holding its P
	// for up to maxWait (engine_linux.go).
	n := runtime.GOMAXPROCS(0)
	if g.cfg.Threads > 0 {
		n = min(n, g.cfg.Threads)
	}
	return min(n, g.cfg.Concurrency)
}
