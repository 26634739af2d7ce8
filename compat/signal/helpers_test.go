//go:build unix

package signal_test

import (
	"context"
	"os"
	ossignal "os/signal"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/evshim/evshim/compat/signal"
)

// impl is one implementation of the os/signal API.
type impl struct {
	name          string
	Notify        func(chan<- os.Signal, ...os.Signal)
	Stop          func(chan<- os.Signal)
	Ignore        func(...os.Signal)
	Reset         func(...os.Signal)
	Ignored       func(os.Signal) bool
	NotifyContext func(context.Context, ...os.Signal) (context.Context, context.CancelFunc)
}

var (
	stdImpl = impl{
		name:          "std",
		Notify:        ossignal.Notify,
		Stop:          ossignal.Stop,
		Ignore:        ossignal.Ignore,
		Reset:         ossignal.Reset,
		Ignored:       ossignal.Ignored,
		NotifyContext: ossignal.NotifyContext,
	}
	compatImpl = impl{
		name:          "compat",
		Notify:        signal.Notify,
		Stop:          signal.Stop,
		Ignore:        signal.Ignore,
		Reset:         signal.Reset,
		Ignored:       signal.Ignored,
		NotifyContext: signal.NotifyContext,
	}
	impls = []impl{stdImpl, compatImpl}
)

// waitTime bounds every wait for a signal. It guards against a hang and
// measures nothing: a signal to ourselves arrives within microseconds, so
// the bound is reached only when a delivery is lost. GO_TEST_TIMEOUT_SCALE
// multiplies it, as in the stdlib's os/signal tests.
var waitTime = func() time.Duration {
	d := 30 * time.Second
	if s, err := strconv.Atoi(os.Getenv("GO_TEST_TIMEOUT_SCALE")); err == nil && s > 0 {
		d *= time.Duration(s)
	}
	return d
}()

// kill sends sig to the test process. The caller must have registered sig
// if its default action ends a Go program (SIGHUP, SIGINT, SIGTERM).
func kill(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatalf("kill(%v): %v", sig, err)
	}
}

// recv waits for want on c and returns it, skipping other signals (the
// runtime sends itself SIGURG to preempt goroutines).
func recv(t testing.TB, c <-chan os.Signal, want os.Signal) os.Signal {
	t.Helper()
	deadline := time.NewTimer(waitTime)
	defer deadline.Stop()
	for {
		select {
		case got := <-c:
			if got == want {
				return got
			}
		case <-deadline.C:
			t.Fatalf("no %v within %v", want, waitTime)
			return nil
		}
	}
}

// count returns how many signals equal to sig c buffers, emptying it.
func count(c <-chan os.Signal, sig os.Signal) int {
	n := 0
	for {
		select {
		case got := <-c:
			if got == sig {
				n++
			}
		default:
			return n
		}
	}
}

// waitFor polls cond until it holds, failing the test if it does not within
// waitTime.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTime)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %v", what, waitTime)
		}
		time.Sleep(time.Millisecond)
	}
}

// timeAfterWait returns a channel that fires after waitTime.
func timeAfterWait() <-chan time.Time { return time.After(waitTime) }

// stopWithRelayHeld registers c for sig and has the relay hold the first
// signal it receives; send sends the signals, with held closed once the
// relay holds one. Stop(c) then starts, the relay goes on only once Stop
// waits for it, and stopWithRelayHeld returns how many sig c received.
func stopWithRelayHeld(c chan os.Signal, sig syscall.Signal, send func(held <-chan struct{})) int {
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

	signal.Notify(c, sig)
	send(held)
	stopped := make(chan struct{})
	go func() {
		signal.Stop(c)
		close(stopped)
	}()
	<-stopping
	close(release)
	<-stopped
	return count(c, sig)
}
