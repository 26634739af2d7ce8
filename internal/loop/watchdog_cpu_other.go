//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package loop

import "time"

// processCPUTime reports no CPU time: this platform has no loop to watch.
func processCPUTime() (time.Duration, bool) { return 0, false }
