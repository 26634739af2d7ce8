//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package loop

import "sync/atomic"

// Available reports whether this platform has a loop. Here it has not:
// gnet's pollers cover Linux and the BSDs only (its Windows engine is for
// development), so every compat package serves through the standard library
// and Stats reports Fallback.
func Available() bool { return false }

// attachment stands for gnet's PollAttachment; no poller here.
type attachment struct{}

// reactor exists so that the portable code compiles; it is never created.
type reactor struct {
	in        *instance
	gid       atomic.Uint64
	busySince atomic.Int64
	counters  *counters
}

func newReactor(*instance, int, *counters) (*reactor, error) { return nil, ErrUnavailable }
func (r *reactor) run(chan<- struct{})                       {}
func (r *reactor) post(func()) error                         { return ErrUnavailable }
func (r *reactor) shutdown()                                 {}
func (r *reactor) closePoller()                              {}
func (r *reactor) runtimeWait() bool                         { return false }
