//go:build unix

package doctor

import "syscall"

// getNofile returns this process's RLIMIT_NOFILE.
func getNofile() (Rlimit, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return Rlimit{}, err
	}
	return Rlimit{Soft: toLimit(uint64(lim.Cur)), Hard: toLimit(uint64(lim.Max))}, nil
}

// toLimit maps the platform's RLIM_INFINITY to Unlimited. The constant is
// all ones on Linux, 1<<63-1 on Darwin and the BSDs and -3 on Solaris, and
// its Go type differs between ports, so compare by size: no real limit
// reaches 1<<63-1.
func toLimit(v uint64) uint64 {
	if v >= 1<<63-1 {
		return Unlimited
	}
	return v
}
