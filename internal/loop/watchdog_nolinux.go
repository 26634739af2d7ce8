//go:build !linux

package loop

// threadWaits returns nil: only Linux tells a thread's run-queue wait.
func threadWaits() map[int]int64 { return nil }
