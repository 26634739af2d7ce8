//go:build unix

package doctor

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// getNofile returns this process's RLIMIT_NOFILE.
func getNofile() (Rlimit, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return Rlimit{}, err
	}
	return Rlimit{Soft: toLimit(uint64(lim.Cur)), Hard: toLimit(uint64(lim.Max))}, nil
}

// getInherited returns the RLIMIT_NOFILE this process was started with.
// The Go runtime raised the soft limit at start and keeps the original
// only to restore it in the children it starts (src/syscall/rlimit.go), so
// a child shell reports the inherited value, which is also what the
// calling shell gives any program.
func getInherited() (Rlimit, error) {
	out, err := exec.Command("/bin/sh", "-c", "ulimit -Sn; ulimit -Hn").Output()
	if err != nil {
		return Rlimit{}, fmt.Errorf("/bin/sh -c 'ulimit -Sn; ulimit -Hn': %w", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return Rlimit{}, fmt.Errorf("/bin/sh -c 'ulimit -Sn; ulimit -Hn' printed %q, want two limits", out)
	}
	var lim [2]uint64
	for i, s := range f {
		if s == "unlimited" {
			lim[i] = Unlimited
			continue
		}
		if lim[i], err = strconv.ParseUint(s, 10, 64); err != nil {
			return Rlimit{}, fmt.Errorf("/bin/sh -c 'ulimit -Sn; ulimit -Hn' printed %q: %w", out, err)
		}
	}
	return Rlimit{Soft: lim[0], Hard: lim[1]}, nil
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
