//go:build !linux

package sweep

// readRSS fails outside Linux: there is no /proc/PID/status to read, and
// the sweep reports RSS as unknown rather than guess.
func readRSS(pid int) (int64, error) { return 0, errNoRSS }
