package loop

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Stall is the watchdog's report of a loop callback that ran too long.
type Stall struct {
	Reactor  int           // index of the stalled reactor
	Duration time.Duration // how long the callback had run when it was seen
	Stack    []byte        // the reactor goroutine's stack at that moment
}

func (s Stall) String() string {
	return fmt.Sprintf("evshim: loop %d: a callback has blocked the loop for %v\n%s", s.Reactor, s.Duration.Round(time.Millisecond), s.Stack)
}

// watchdog is gevent's monitor thread: it samples each reactor's "busy
// since" stamp and reports any callback that runs longer than limit. It
// costs the reactors two clock reads per callback and nothing else.
type watchdog struct {
	in     *instance
	limit  time.Duration
	report func(Stall)
	done   chan struct{} // closed by stop
	once   sync.Once
}

func newWatchdog(in *instance, limit time.Duration, report func(Stall)) *watchdog {
	if report == nil {
		report = func(s Stall) { os.Stderr.WriteString(s.String() + "\n") }
	}
	return &watchdog{in: in, limit: limit, report: report, done: make(chan struct{})}
}

func (w *watchdog) stop() { w.once.Do(func() { close(w.done) }) }

func (w *watchdog) run() {
	defer w.in.wg.Done()
	period := w.limit / 2
	if period < time.Millisecond {
		period = time.Millisecond
	}
	t := time.NewTicker(period)
	defer t.Stop()
	reported := make([]int64, len(w.in.reactors)) // busy stamp already reported, per reactor
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		now := nanotime()
		for i, r := range w.in.reactors {
			since := r.busySince.Load()
			if since == 0 || since == reported[i] || time.Duration(now-since) < w.limit {
				continue
			}
			reported[i] = since
			r.counters.stalls.Add(1)
			w.report(Stall{Reactor: i, Duration: time.Duration(now - since), Stack: goroutineStack(r.gid.Load())})
		}
	}
}

// goroutineStack returns the stack of goroutine id, cut from a dump of all
// goroutines. The dump is costly, which is fine for a rare stall report.
func goroutineStack(id uint64) []byte {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	head := []byte("goroutine " + strconv.FormatUint(id, 10) + " [")
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(g, head) {
			return g
		}
	}
	return nil
}
