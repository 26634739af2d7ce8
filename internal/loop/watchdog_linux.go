package loop

import (
	"bytes"
	"os"
	"strconv"
)

// threadWaits returns, for each thread of the process, how long it has
// waited on a run queue for a CPU so far (the second field of
// /proc/self/task/TID/schedstat, in nanoseconds), or nil where that is
// not available (a kernel without schedstats).
func threadWaits() map[int]int64 {
	d, err := os.Open("/proc/self/task")
	if err != nil {
		return nil
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil
	}
	waits := make(map[int]int64, len(names))
	for _, name := range names {
		tid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/self/task/" + name + "/schedstat")
		if err != nil {
			continue // the thread has exited since
		}
		f := bytes.Fields(b)
		if len(f) < 2 {
			return nil
		}
		ns, err := strconv.ParseInt(string(f[1]), 10, 64)
		if err != nil {
			return nil
		}
		waits[tid] = ns
	}
	return waits
}
