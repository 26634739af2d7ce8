//go:build unix

package http_test

import "golang.org/x/sys/unix"

// nofileLimit is the soft RLIMIT_NOFILE, or 0 if unknown.
func nofileLimit() int64 {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil {
		return 0
	}
	return int64(lim.Cur)
}
