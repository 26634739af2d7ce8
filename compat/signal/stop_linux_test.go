package signal_test

import (
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/evshim/evshim/compat/signal"
)

// TestStopDeliversBufferedSignal extends TestStopDeliversCaughtSignal to a
// signal that os/signal has handed to this package but the relay has not
// received yet: Stop must still deliver it. raise makes the second signal
// reach the runtime before Stop starts; Stop's own wait on os/signal then
// puts it in the relay's source.
func TestStopDeliversBufferedSignal(t *testing.T) {
	held := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	defer signal.SetRelayedHook(func(os.Signal) {
		once.Do(func() {
			close(held)
			<-release
		})
	})()
	stopping := make(chan struct{})
	defer signal.SetStopWaitHook(func() { close(stopping) })()

	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1)
	raise(syscall.SIGUSR1)
	<-held
	raise(syscall.SIGUSR1)
	stopped := make(chan struct{})
	go func() {
		signal.Stop(c)
		close(stopped)
	}()
	<-stopping
	close(release)
	<-stopped
	if n := count(c, syscall.SIGUSR1); n != 2 {
		t.Errorf("stopped channel received %d signals caught before Stop, want 2", n)
	}
}
