//go:build unix

package signal_test

import (
	"fmt"
	"os"
	ossignal "os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/evshim/evshim/compat/signal"
	"github.com/evshim/evshim/internal/loop"
	"github.com/google/go-cmp/cmp"
)

// TestDeliver sends real signals to the process, each wanted by a channel
// registered with os/signal and one registered here. Both must receive the
// same value, and the delivery here must run as a loop task.
func TestDeliver(t *testing.T) {
	tests := []struct {
		sig    syscall.Signal
		reason string
	}{
		{syscall.SIGUSR1, "caught by the runtime and dropped unless notified"},
		{syscall.SIGUSR2, "caught by the runtime and dropped unless notified"},
		{syscall.SIGHUP, "ends a Go program unless notified"},
		{syscall.SIGTERM, "ends a Go program unless notified"},
		{syscall.SIGCHLD, "default action is to ignore it"},
		{syscall.SIGURG, "the runtime also sends it to itself to preempt goroutines"},
		{syscall.SIGWINCH, "default action is to ignore it"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("sig=%d", int(tt.sig)), func(t *testing.T) {
			var onLoop, offLoop atomic.Int32
			defer signal.SetFanOutHook(func() {
				if loop.InLoop() {
					onLoop.Add(1)
				} else {
					offLoop.Add(1)
				}
			})()

			std := make(chan os.Signal, 16)
			ossignal.Notify(std, tt.sig)
			defer ossignal.Stop(std)
			c := make(chan os.Signal, 16)
			signal.Notify(c, tt.sig)
			defer signal.Stop(c)

			before := loop.CurrentStats().Tasks
			kill(t, tt.sig)
			want := recv(t, std, tt.sig)
			got := recv(t, c, tt.sig)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("signal received (-os/signal +compat):\n%s", diff)
			}
			if onLoop.Load() == 0 || offLoop.Load() != 0 {
				t.Fatalf("fan-outs on the loop: %d, elsewhere: %d; want all on the loop", onLoop.Load(), offLoop.Load())
			}
			// The loop counts a task once it has returned, which may be just
			// after the receive above.
			waitFor(t, "the loop to count the delivery as a task", func() bool {
				return loop.CurrentStats().Tasks > before
			})
		})
	}
}

// TestNotifyAll registers for every signal by passing none, as os/signal
// allows, and checks that a signal reaches both packages' channels.
func TestNotifyAll(t *testing.T) {
	std := make(chan os.Signal, 256)
	ossignal.Notify(std)
	defer ossignal.Stop(std)
	c := make(chan os.Signal, 256)
	signal.Notify(c)
	defer signal.Stop(c)

	kill(t, syscall.SIGUSR1)
	want := recv(t, std, syscall.SIGUSR1)
	got := recv(t, c, syscall.SIGUSR1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("signal received (-os/signal +compat):\n%s", diff)
	}
}

// TestNotifyExpands checks that Notify called again with the same channel
// adds signals, and that values os/signal ignores are ignored.
func TestNotifyExpands(t *testing.T) {
	type got struct{ First, Second os.Signal }
	run := func(t *testing.T, im impl) got {
		c := make(chan os.Signal, 4)
		im.Notify(c, notASignal{}, syscall.SIGUSR1)
		im.Notify(c, syscall.SIGUSR2)
		defer im.Stop(c)
		var g got
		kill(t, syscall.SIGUSR1)
		g.First = recv(t, c, syscall.SIGUSR1)
		kill(t, syscall.SIGUSR2)
		g.Second = recv(t, c, syscall.SIGUSR2)
		return g
	}
	want := run(t, stdImpl)
	if diff := cmp.Diff(want, run(t, compatImpl)); diff != "" {
		t.Errorf("signals received (-os/signal +compat):\n%s", diff)
	}
}

// notASignal is an os.Signal that is no syscall.Signal, which os/signal
// ignores.
type notASignal struct{}

func (notASignal) String() string { return "not a signal" }
func (notASignal) Signal()        {}

// TestNotifyNilPanics compares the value Notify panics with for a nil
// channel.
func TestNotifyNilPanics(t *testing.T) {
	catch := func(im impl) (v any) {
		defer func() { v = recover() }()
		im.Notify(nil, syscall.SIGUSR1)
		return nil
	}
	want := catch(stdImpl)
	got := catch(compatImpl)
	if got == nil {
		t.Fatal("Notify(nil) did not panic")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("panic value (-os/signal +compat):\n%s", diff)
	}
}

// TestCoexist checks that Stop on either package leaves the other's
// registration for the same signal in place.
func TestCoexist(t *testing.T) {
	std := make(chan os.Signal, 4)
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1)
	ossignal.Notify(std, syscall.SIGUSR1)
	ossignal.Stop(std)

	// Only this package wants SIGUSR1 now; had os/signal's Stop taken it
	// away too, recv would give up.
	kill(t, syscall.SIGUSR1)
	recv(t, c, syscall.SIGUSR1)
	if n := count(std, syscall.SIGUSR1); n != 0 {
		t.Errorf("os/signal channel received %d signals after its Stop", n)
	}

	ossignal.Notify(std, syscall.SIGUSR1)
	defer ossignal.Stop(std)
	signal.Stop(c)
	kill(t, syscall.SIGUSR1)
	recv(t, std, syscall.SIGUSR1)
	if n := count(c, syscall.SIGUSR1); n != 0 {
		t.Errorf("compat channel received %d signals after its Stop", n)
	}
}

// TestStopNoLateDelivery churns Notify and Stop while another goroutine
// keeps sending SIGUSR1, and checks after every Stop that the channel gets
// nothing more. A probe channel registered after Stop returns receives a
// later signal; every fan-out that could still reach the stopped channel
// has run by then, since fan-outs are delivered in order.
func TestStopNoLateDelivery(t *testing.T) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
				_ = syscall.Kill(os.Getpid(), syscall.SIGUSR1)
				// Leave the processor to the loop and the test on one P.
				runtime.Gosched()
			}
		}
	}()
	defer func() {
		close(done)
		wg.Wait()
		// A SIGUSR1 still pending in the kernel or the runtime would reach
		// a later test. A new one merges with it, and os/signal's Stop
		// waits for the runtime to finish delivering, so none is left.
		tail := make(chan os.Signal, 1)
		ossignal.Notify(tail, syscall.SIGUSR1)
		kill(t, syscall.SIGUSR1)
		recv(t, tail, syscall.SIGUSR1)
		ossignal.Stop(tail)
	}()

	const rounds = 50
	for i := 0; i < rounds; i++ {
		c := make(chan os.Signal, 1000)
		signal.Notify(c, syscall.SIGUSR1)
		recv(t, c, syscall.SIGUSR1)
		signal.Stop(c)
		before := len(c)

		probe := make(chan os.Signal, 1)
		signal.Notify(probe, syscall.SIGUSR1)
		recv(t, probe, syscall.SIGUSR1)
		signal.Stop(probe)
		if after := len(c); after != before {
			t.Fatalf("round %d: %d signals delivered after Stop returned", i, after-before)
		}
	}
}

// TestStopDeliversCaughtSignal holds a signal in the relay until Stop has
// taken the channel out of the table, then lets it go: as with os/signal,
// a signal caught before Stop reaches the channel instead of vanishing.
func TestStopDeliversCaughtSignal(t *testing.T) {
	c := make(chan os.Signal, 1)
	n := stopWithRelayHeld(c, syscall.SIGUSR1, func(held <-chan struct{}) {
		kill(t, syscall.SIGUSR1)
		<-held
	})
	if n != 1 {
		t.Errorf("stopped channel received %d signals caught before Stop, want 1", n)
	}
}

// TestStopUnregistered checks that Stop of a channel never registered, or
// stopped already, returns without effect in both packages.
func TestStopUnregistered(t *testing.T) {
	for _, im := range impls {
		t.Run("impl="+im.name, func(t *testing.T) {
			c := make(chan os.Signal, 1)
			im.Stop(c)
			im.Notify(c, syscall.SIGWINCH)
			im.Stop(c)
			im.Stop(c)
			// A second channel tells when a signal has been fanned out.
			probe := make(chan os.Signal, 1)
			im.Notify(probe, syscall.SIGWINCH)
			defer im.Stop(probe)
			kill(t, syscall.SIGWINCH)
			recv(t, probe, syscall.SIGWINCH)
			if n := count(c, syscall.SIGWINCH); n != 0 {
				t.Errorf("stopped channel received %d signals", n)
			}
		})
	}
}

// TestRelayLifetime checks that the relay goroutine runs exactly while some
// signal is registered here.
func TestRelayLifetime(t *testing.T) {
	if signal.RelayRunning() {
		t.Fatal("relay runs before any Notify")
	}
	a := make(chan os.Signal, 1)
	b := make(chan os.Signal, 1)
	signal.Notify(a, syscall.SIGWINCH)
	signal.Notify(b, syscall.SIGWINCH, syscall.SIGUSR2)
	signal.Stop(a)
	if !signal.RelayRunning() {
		t.Fatal("relay stopped while b still wants two signals")
	}
	signal.Reset(syscall.SIGWINCH)
	if !signal.RelayRunning() {
		t.Fatal("relay stopped while b still wants SIGUSR2")
	}
	signal.Stop(b)
	if signal.RelayRunning() {
		t.Fatal("relay runs after every registration was undone")
	}
}

// TestIgnoreReset runs one sequence of Notify, Ignore and Reset calls with
// each package and compares what the channels and Ignored saw. Every step
// matches a sentence of the os/signal documentation; see the field
// comments.
func TestIgnoreReset(t *testing.T) {
	type result struct {
		IgnoredAtStart     bool
		IgnoredAfterIgnore bool // "Ignore causes the provided signals to be ignored"
		IgnoredAfterNotify bool // Notify enables the signal again
		FirstAfterIgnore   int  // "Ignore undoes the effect of any prior calls to Notify"
		SecondAfterIgnore  int
		IgnoredAfterReset  bool
		SecondAfterReset   int // "Reset undoes the effect of any prior calls to Notify"
		ThirdAfterReset    int
	}
	run := func(t *testing.T, im impl) result {
		const sig = syscall.SIGUSR1
		var r result
		r.IgnoredAtStart = im.Ignored(sig)
		first := make(chan os.Signal, 4)
		im.Notify(first, sig)
		im.Ignore(sig)
		r.IgnoredAfterIgnore = im.Ignored(sig)
		// An ignored signal is discarded when it is sent.
		kill(t, sig)

		second := make(chan os.Signal, 4)
		im.Notify(second, sig)
		r.IgnoredAfterNotify = im.Ignored(sig)
		kill(t, sig)
		recv(t, second, sig)
		r.FirstAfterIgnore = count(first, sig)
		r.SecondAfterIgnore = 1 + count(second, sig)

		im.Reset(sig)
		r.IgnoredAfterReset = im.Ignored(sig)
		third := make(chan os.Signal, 4)
		im.Notify(third, sig)
		kill(t, sig)
		recv(t, third, sig)
		r.SecondAfterReset = count(second, sig)
		r.ThirdAfterReset = 1 + count(third, sig)

		im.Stop(first)
		im.Stop(second)
		im.Stop(third)
		return r
	}
	want := run(t, stdImpl)
	got := run(t, compatImpl)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Ignore/Reset sequence (-os/signal +compat):\n%s", diff)
	}
}

// TestResetActsProcessWide checks that Reset and Ignore from either package
// also undo the other package's Notify calls, as os/signal documents for
// its own.
func TestResetActsProcessWide(t *testing.T) {
	type result struct{ Std, Compat int }
	ops := []struct {
		name   string
		cancel func(...os.Signal)
	}{
		{"std-reset", ossignal.Reset},
		{"compat-reset", signal.Reset},
		{"std-ignore", ossignal.Ignore},
		{"compat-ignore", signal.Ignore},
	}
	results := map[string]result{}
	for _, op := range ops {
		const sig = syscall.SIGUSR2
		std := make(chan os.Signal, 4)
		c := make(chan os.Signal, 4)
		ossignal.Notify(std, sig)
		signal.Notify(c, sig)
		op.cancel(sig)

		// The probe goes through os/signal: a Notify here would register
		// this package's source again (see "# Differences").
		probe := make(chan os.Signal, 1)
		ossignal.Notify(probe, sig)
		kill(t, sig)
		recv(t, probe, sig)
		results[op.name] = result{Std: count(std, sig), Compat: count(c, sig)}
		signal.Stop(c)
		ossignal.Stop(std)
		ossignal.Stop(probe)
	}
	for _, pair := range [][2]string{{"std-reset", "compat-reset"}, {"std-ignore", "compat-ignore"}} {
		if diff := cmp.Diff(results[pair[0]], results[pair[1]]); diff != "" {
			t.Errorf("signals received after %s vs %s (-os/signal +compat):\n%s", pair[0], pair[1], diff)
		}
	}
}
