//go:build !unix

package cputime

import "time"

// Process cannot tell on this platform: ok is false.
func Process() (user, sys time.Duration, ok bool) { return 0, 0, false }
