package sweep

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// readRSS returns the resident set size of process pid in bytes, from the
// VmRSS line of /proc/PID/status (reported in kB, which the kernel means
// as KiB).
func readRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("sweep: /proc/%d/status: bad VmRSS line %q", pid, sc.Text())
		}
		kib, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("sweep: /proc/%d/status: %w", pid, err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("sweep: /proc/%d/status has no VmRSS line", pid)
}
