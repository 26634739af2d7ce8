//go:build !unix

package loadgen

import "time"

// processCPU cannot tell here; the result then has no CPUUse.
func processCPU() (user, sys time.Duration, ok bool) { return 0, 0, false }
