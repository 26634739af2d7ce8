//go:build unix

package loadgen

import (
	"time"

	"golang.org/x/sys/unix"
)

// processCPU returns the user and system CPU time the process has used.
func processCPU() (user, sys time.Duration, ok bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano()), true
}
