//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package loop

// holdTaskQueue returns nil: on the BSDs the reactor runs gnet's Polling,
// whose task queue is lock-free.
func holdTaskQueue(*reactor) func() { return nil }
