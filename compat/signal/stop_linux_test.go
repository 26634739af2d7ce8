package signal_test

import (
	"os"
	"syscall"
	"testing"
)

// TestStopDeliversBufferedSignal extends TestStopDeliversCaughtSignal to a
// signal that os/signal has handed to this package but the relay has not
// received yet: Stop must still deliver it. raise makes the second signal
// reach the runtime before Stop starts; Stop's own wait on os/signal then
// puts it in the relay's source.
func TestStopDeliversBufferedSignal(t *testing.T) {
	c := make(chan os.Signal, 4)
	n := stopWithRelayHeld(c, syscall.SIGUSR1, func(held <-chan struct{}) {
		raise(syscall.SIGUSR1)
		<-held
		raise(syscall.SIGUSR1)
	})
	if n != 2 {
		t.Errorf("stopped channel received %d signals caught before Stop, want 2", n)
	}
}
