//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestFarDeadlineThenShort: a deadline far enough in the future to
// overflow the clock must not disable a later, short one (issue 13.1).
func TestFarDeadlineThenShort(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	for _, far := range []struct {
		name string
		t    time.Time
	}{
		{"add-maxint64", time.Now().Add(math.MaxInt64)},
		{"year-292e9", time.Unix(1<<62, 0)},
		{"max-minus-now", time.Now().Add(time.Duration(math.MaxInt64 - nanotime() + 1))},
	} {
		t.Run("far="+far.name, func(t *testing.T) {
			fd, _ := registeredPair(t)
			if err := fd.SetReadDeadline(far.t); err != nil {
				t.Fatal(err)
			}
			// Park once under the far deadline, so its timer is armed.
			go func() { time.Sleep(20 * time.Millisecond); fd.SetReadDeadline(time.Now().Add(50 * time.Millisecond)) }()
			start := time.Now()
			done := make(chan error, 1)
			go func() { _, err := fd.Read(make([]byte, 1)); done <- err }()
			select {
			case err := <-done:
				if err != os.ErrDeadlineExceeded {
					t.Fatalf("Read = %v, want os.ErrDeadlineExceeded", err)
				}
				if d := time.Since(start); d < 50*time.Millisecond {
					t.Fatalf("Read timed out after %v, before the deadline", d)
				}
			case <-time.After(10 * time.Second):
				fd.SetReadDeadline(time.Now()) // unblock the reader
				<-done
				t.Fatal("the short deadline set after a far one never fired")
			}
		})
	}
}

func TestAddClockSaturates(t *testing.T) {
	for _, tt := range []struct {
		now  int64
		d    time.Duration
		want int64
	}{
		{now: 100, d: 5, want: 105},
		{now: 100, d: math.MaxInt64, want: math.MaxInt64},
		{now: math.MaxInt64 - 10, d: 10, want: math.MaxInt64},
		{now: math.MaxInt64 - 10, d: 11, want: math.MaxInt64},
	} {
		if got := addClock(tt.now, tt.d); got != tt.want {
			t.Errorf("addClock(%d, %d) = %d, want %d", tt.now, tt.d, got, tt.want)
		}
	}
}

// TestDispatchTakesNoWriterLock: the reactor's lookup of a descriptor does
// not wait for a goroutine that is registering another one (issue 13.10).
// The test holds the table's only lock while data arrives for a
// registered descriptor: the reader must still wake.
func TestDispatchTakesNoWriterLock(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, b := registeredPair(t)
	r := fd.pd.r
	r.fds.mu.Lock()
	defer r.fds.mu.Unlock()
	go func() {
		time.Sleep(10 * time.Millisecond)
		unix.Write(b, []byte("x"))
	}()
	fd.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := fd.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Fatalf("Read while the table's lock is held = %d, %v", n, err)
	}
}

func TestFDTable(t *testing.T) {
	var tab fdTable
	pds := []*pollDesc{{fd: 0}, {fd: 3}, {fd: 255}, {fd: 256}, {fd: 5000}}
	for _, pd := range pds {
		tab.store(pd)
	}
	for _, pd := range pds {
		if got := tab.load(int(pd.fd)); got != pd {
			t.Errorf("load(%d) = %p, want %p", pd.fd, got, pd)
		}
	}
	for _, fd := range []int{-1, 1, 257, 4999, 1 << 20} {
		if got := tab.load(fd); got != nil {
			t.Errorf("load(%d) = %p, want nil", fd, got)
		}
	}
	// A stale pollDesc does not remove a reused number's new one.
	reused := &pollDesc{fd: 3}
	tab.store(reused)
	tab.remove(pds[1])
	if tab.load(3) != reused {
		t.Error("remove of a stale pollDesc dropped the new registration")
	}
	tab.remove(reused)
	if tab.load(3) != nil {
		t.Error("remove left the registration")
	}
	if got := len(tab.all()); got != 4 {
		t.Errorf("all() has %d entries, want 4", got)
	}
}

// TestReactorDoesNotWaitForUserLocks: while a user goroutine holds a
// lock the reactor also takes (the posted-task queue's, a deadline's), the
// reactor keeps delivering readiness; the deadline whose lock was held
// fires once it is free (issue 13.10).
func TestReactorDoesNotWaitForUserLocks(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	held, _ := registeredPair(t)
	other, b := registeredPair(t)
	// readOther reads from other, whose data comes after the reader has
	// parked, so only the reactor can wake it.
	readOther := func() error {
		go func() {
			time.Sleep(20 * time.Millisecond)
			unix.Write(b, []byte("y"))
		}()
		done := make(chan error, 1)
		go func() { _, err := other.Read(make([]byte, 1)); done <- err }()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			// The reactor is stuck: the test's caller lets go of the
			// lock, and Close ends the read.
			go func() { time.Sleep(100 * time.Millisecond); other.Close(); <-done }()
			return errors.New("no wake-up within 5s")
		}
	}
	if unlock := holdTaskQueue(held.pd.r); unlock != nil {
		err := readOther()
		unlock()
		if err != nil {
			t.Fatalf("Read while the task queue's lock is held: %v", err)
		}
	}
	// Have the deadline's expiry queued behind a busy callback, then hold
	// the deadline's lock when the reactor runs it.
	release := make(chan struct{})
	busy := make(chan struct{})
	if err := held.Post(func() { close(busy); <-release }); err != nil {
		t.Fatal(err)
	}
	<-busy
	held.SetReadDeadline(time.Now().Add(time.Millisecond))
	time.Sleep(20 * time.Millisecond) // the timer fires and queues the expiry
	// The read deadline was set above, so its deadline exists.
	rd := held.rd.p.Load()
	rd.mu.Lock()
	close(release)
	err := readOther()
	rd.mu.Unlock()
	if err != nil {
		t.Fatalf("Read while a deadline's lock is held: %v", err)
	}
	if _, err := held.Read(make([]byte, 1)); err != os.ErrDeadlineExceeded {
		t.Fatalf("Read on the FD whose deadline lock was held = %v, want os.ErrDeadlineExceeded", err)
	}
}

// TestDeadlineMadeOnFirstSet covers deadlineRef: an FD holds no deadline
// until one is set (clearing one that never was makes none), a deadline
// set while a reader is parked without one wakes it, and a deadline set
// after ReleaseTimers dropped the last one works again.
func TestDeadlineMadeOnFirstSet(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, _ := registeredPair(t)
	fd.SetDeadline(time.Time{})
	if fd.rd.p.Load() != nil || fd.wd.p.Load() != nil {
		t.Fatal("clearing deadlines that were never set made a deadline")
	}
	for round := 0; round < 2; round++ {
		done := make(chan error, 1)
		go func() { _, err := fd.Read(make([]byte, 1)); done <- err }()
		time.Sleep(20 * time.Millisecond) // the reader parks with no deadline
		fd.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		select {
		case err := <-done:
			if err != os.ErrDeadlineExceeded {
				t.Fatalf("round %d: Read = %v, want os.ErrDeadlineExceeded", round, err)
			}
		case <-time.After(10 * time.Second):
			fd.Close()
			<-done
			t.Fatalf("round %d: a deadline set while the reader was parked never woke it", round)
		}
		fd.ReleaseTimers()
		if fd.rd.p.Load() != nil {
			t.Fatalf("round %d: ReleaseTimers kept the read deadline", round)
		}
	}
}
