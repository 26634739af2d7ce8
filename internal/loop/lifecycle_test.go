//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

// waitIdle waits until the default loop has stopped by itself.
func waitIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for Running() != nil || len(*defaultLoop.live.Load()) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the loop still runs with nothing registered: %v", CurrentStats())
		}
		time.Sleep(time.Millisecond)
	}
}

// pingPong checks that bytes go both ways between a registered FD and
// the other end of its socketpair.
func pingPong(t *testing.T, fd *FD, peer int) {
	t.Helper()
	if _, err := fd.Write([]byte("ping")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	buf := make([]byte, 4)
	if n, err := unix.Read(peer, buf); err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("peer read %q, %v", buf[:n], err)
	}
	if _, err := unix.Write(peer, []byte("pong")); err != nil {
		t.Fatal(err)
	}
	if n, err := fd.Read(buf); err != nil || string(buf[:n]) != "pong" {
		t.Fatalf("Read %q, %v", buf[:n], err)
	}
}

// TestIdleStop: once its last descriptor is closed, the loop stops by
// itself and leaves no goroutine (goleak with no options); the next
// registration starts it again.
func TestIdleStop(t *testing.T) {
	withLoop(t, Config{IdleTimeout: defaultIdle})
	for round := 0; round < 2; round++ {
		a, b := socketpair(t)
		fd, err := Register(a, true, Adopted)
		if err != nil {
			t.Fatal(err)
		}
		if Running() == nil {
			t.Fatalf("round %d: no loop running with a descriptor registered", round)
		}
		fd.SetReadDeadline(time.Now().Add(time.Hour))
		pingPong(t, fd, b)
		before := CurrentStats()
		fd.Close()
		unix.Close(b)
		waitIdle(t)
		goleak.VerifyNone(t)
		after := CurrentStats()
		if after.Loops != 0 || after.Open != 0 || after.BytesIn < before.BytesIn || after.Adopted < before.Adopted {
			t.Errorf("round %d: stats after the idle stop %+v, before it %+v", round, after, before)
		}
	}
}

// TestIdleStopWaitsForTimers: a pending timer keeps the loop running; a
// stopped or fired one does not.
func TestIdleStopWaitsForTimers(t *testing.T) {
	lp := withLoop(t, Config{IdleTimeout: time.Millisecond})
	waitIdle(t)
	pending := lp.AfterFunc(time.Hour, func() { t.Error("stopped timer ran") })
	time.Sleep(20 * time.Millisecond) // many idle timeouts
	if Running() == nil {
		t.Fatal("the loop stopped with a timer pending")
	}
	pending.Stop()
	waitIdle(t)
	fired := make(chan bool, 1)
	lp.AfterFunc(time.Millisecond, func() { fired <- InLoop() })
	if !<-fired {
		t.Error("the timer armed on an idle loop did not run on the loop")
	}
	waitIdle(t)
	goleak.VerifyNone(t)
}

// TestStartStopRace starts and stops the loop as fast as it goes (an idle
// timeout of 1 ns) under concurrent first uses of every kind: every
// registration must work, every accepted Post and every timer must run.
// With Shutdown racing them too, an operation may fail with net.ErrClosed,
// but none hangs or is dropped silently. Run it under -race.
func TestStartStopRace(t *testing.T) {
	for _, withShutdown := range []bool{false, true} {
		name := "shutdown=false"
		if withShutdown {
			name = "shutdown=true"
		}
		t.Run(name, func(t *testing.T) {
			withLoop(t, Config{Reactors: 2, IdleTimeout: time.Nanosecond})
			const workers, rounds = 6, 60
			stop := make(chan struct{})
			var shutdowns sync.WaitGroup
			if withShutdown {
				shutdowns.Add(1)
				go func() {
					defer shutdowns.Done()
					for {
						select {
						case <-stop:
							return
						case <-time.After(time.Millisecond):
							Shutdown()
						}
					}
				}()
			}
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < rounds; i++ {
						if err := raceOnce(i % 3); err != nil && !(withShutdown && errors.Is(err, net.ErrClosed)) {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(stop)
			shutdowns.Wait()
			waitIdle(t)
			goleak.VerifyNone(t)
		})
	}
}

// raceOnce is one first use of the loop: a registration with a round
// trip, a Post or a timer.
func raceOnce(kind int) error {
	lp := Default()
	switch kind {
	case 0:
		fds, err := nonblockingPair()
		if err != nil {
			return err
		}
		defer unix.Close(fds[1])
		fd, err := Register(fds[0], true, Adopted)
		if err != nil {
			unix.Close(fds[0])
			return err
		}
		defer fd.Close()
		if _, err := unix.Write(fds[1], []byte("x")); err != nil {
			return err
		}
		fd.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := fd.Read(make([]byte, 1)); err != nil {
			return err
		}
		_, err = fd.Write([]byte("y"))
		return err
	case 1:
		ran := make(chan struct{})
		if err := lp.Post(func() { close(ran) }); err != nil {
			return err
		}
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			return errors.New("an accepted Post never ran")
		}
	default:
		ran := make(chan struct{})
		tm := lp.AfterFunc(0, func() { close(ran) })
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			select {
			case <-ran:
				return nil
			case <-time.After(5 * time.Millisecond):
			}
			if tm.state.Load() == timerStopped {
				return net.ErrClosed // a Shutdown dropped it, as documented
			}
		}
		return errors.New("a timer never fired")
	}
	return nil
}

// nonblockingPair is socketpair without a *testing.T, for goroutines.
func nonblockingPair() ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return fds, err
		}
	}
	return fds, nil
}

// BenchmarkRegister measures what a restart costs: making a socketpair,
// registering one end and closing both on a loop that runs
// ("state=warm"), against the same after the loop has stopped, so that
// the registration starts it again ("state=idle"). The idle case also
// pays for the stop, which Shutdown does here as an idle stop would: the
// difference is one whole stop-and-start cycle. (Stopping the benchmark
// timer around the stop would cost more than it hides: StopTimer reads
// the memory statistics.)
func BenchmarkRegister(b *testing.B) {
	for _, idle := range []bool{false, true} {
		name := "state=warm"
		if idle {
			name = "state=idle"
		}
		b.Run(name, func(b *testing.B) {
			Shutdown()
			Configure(Config{IdleTimeout: -1})
			b.Cleanup(func() { Shutdown(); Configure(Config{}) })
			Default()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if idle {
					Shutdown() // with nothing registered: what an idle stop does
				}
				fds, err := nonblockingPair()
				if err != nil {
					b.Fatal(err)
				}
				fd, err := Register(fds[0], true, Adopted)
				if err != nil {
					b.Fatal(err)
				}
				fd.Close()
				unix.Close(fds[1])
			}
		})
	}
}

// BenchmarkIdleStop measures how long the loop's goroutines outlive their
// last use with the default idle timeout: one op is the time from the
// Close of the only registered descriptor until the last loop goroutine
// has exited (issue 12 asks for under 100 ms).
func BenchmarkIdleStop(b *testing.B) {
	Shutdown()
	Configure(Config{})
	b.Cleanup(Shutdown)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		fds, err := nonblockingPair()
		if err != nil {
			b.Fatal(err)
		}
		fd, err := Register(fds[0], true, Adopted)
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fds[1])
		start := time.Now()
		fd.Close()
		for len(*defaultLoop.live.Load()) != 0 {
			time.Sleep(100 * time.Microsecond)
		}
		total += time.Since(start)
	}
	b.ReportMetric(total.Seconds()*1e3/float64(b.N), "ms-to-stop")
}
