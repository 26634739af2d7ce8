//go:build unix

package loadgen

import "golang.org/x/sys/unix"

// RaiseFileLimit raises the soft RLIMIT_NOFILE of the process to its hard
// limit and returns both afterwards. Go already does this at start-up on
// most systems; calling it again makes the limit explicit and reports it.
// err is non-nil when the raise failed, and then soft is the unchanged limit.
func RaiseFileLimit() (soft, hard uint64, err error) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	// The fields are uint64 on Linux and darwin but int64 on FreeBSD.
	cur, hard := uint64(lim.Cur), uint64(lim.Max)
	if cur >= hard {
		return cur, hard, nil
	}
	raised := lim
	raised.Cur = lim.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &raised); err != nil {
		return cur, hard, err
	}
	return hard, hard, nil
}
