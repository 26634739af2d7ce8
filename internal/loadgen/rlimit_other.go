//go:build !unix

package loadgen

import "math"

// RaiseFileLimit does nothing where there is no RLIMIT_NOFILE and reports
// no limit.
func RaiseFileLimit() (soft, hard uint64, err error) { return math.MaxUint64, math.MaxUint64, nil }
