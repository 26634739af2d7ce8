//go:build unix

package signal

import (
	"os"
	"syscall"
)

// cooperative reports whether deliveries go through the relay and the loop.
// On unix they do; where the loop itself is missing (aix, illumos, solaris,
// or a loop that failed to start) the relay still serves and fans out on
// its own goroutine, as os/signal does.
const cooperative = true

// signum returns sig's number, or -1 for a value os/signal would ignore.
func signum(sig os.Signal) int {
	s, ok := sig.(syscall.Signal)
	if !ok || s < 0 || int(s) >= numSig {
		return -1
	}
	return int(s)
}

// signalOf returns the os.Signal for a number that signum produced.
func signalOf(n int) os.Signal { return syscall.Signal(n) }
