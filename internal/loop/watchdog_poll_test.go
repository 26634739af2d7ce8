//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A callback that keeps its reactor computing (it never waits) is
// reported, with its own frame on the stack.
func TestWatchdogReportsComputingCallback(t *testing.T) {
	stalls := make(chan Stall, 1)
	lp := withLoop(t, Config{Reactors: 1, StallLimit: 20 * time.Millisecond, OnStall: func(s Stall) {
		select {
		case stalls <- s:
		default:
		}
	}})
	var seen atomic.Bool
	done := make(chan struct{})
	if err := lp.Post(func() { spinUntilReported(&seen, done) }); err != nil {
		t.Fatal(err)
	}
	var s Stall
	select {
	case s = <-stalls:
	case <-time.After(30 * time.Second):
		seen.Store(true)
		<-done
		t.Fatal("no report of a callback that computed for 30s")
	}
	seen.Store(true)
	<-done
	if s.Duration < 20*time.Millisecond {
		t.Errorf("report %+v", s)
	}
	if !strings.Contains(string(s.Stack), "spinUntilReported") {
		t.Errorf("the stack does not show the callback:\n%s", s.Stack)
	}
}

//go:noinline
func spinUntilReported(seen *atomic.Bool, done chan struct{}) {
	defer close(done)
	for !seen.Load() {
		for i := 0; i < 1000; i++ {
			spinSink += i
		}
	}
}

var spinSink int

// With one P shared by goroutines that compute, a callback that computes
// for 15 ms is preempted after 10 (the scheduler's time slice) and waits
// in the run queue while the others use their slices: its wall time
// passes the limit of 20 ms, but it held the loop for less. It is not
// reported.
func TestWatchdogQuietUnderSchedulerLoad(t *testing.T) {
	var mu sync.Mutex
	var stalls []Stall
	lp := withLoop(t, Config{Reactors: 1, StallLimit: 20 * time.Millisecond, OnStall: func(s Stall) {
		mu.Lock()
		stalls = append(stalls, s)
		mu.Unlock()
	}})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var stop atomic.Bool
	var hogs sync.WaitGroup
	for i := 0; i < 6; i++ {
		hogs.Add(1)
		go func() {
			defer hogs.Done()
			n := 0
			for !stop.Load() {
				for j := 0; j < 1000; j++ {
					n += j
				}
			}
			_ = n
		}()
	}
	var longest time.Duration
	for i := 0; i < 20; i++ {
		done := make(chan time.Duration, 1)
		if err := lp.Post(func() {
			start := time.Now()
			for time.Since(start) < 15*time.Millisecond {
			}
			done <- time.Since(start)
		}); err != nil {
			t.Fatal(err)
		}
		longest = max(longest, <-done)
	}
	stop.Store(true)
	hogs.Wait()
	t.Logf("longest wall time of a 15ms callback: %v", longest)
	mu.Lock()
	defer mu.Unlock()
	for _, s := range stalls {
		t.Errorf("false report: %s", s)
	}
}
