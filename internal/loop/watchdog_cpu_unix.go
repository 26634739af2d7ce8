//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"syscall"
	"time"
)

// processCPUTime returns the CPU time (user and system) the process has
// used so far, from getrusage.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
