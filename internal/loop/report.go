package loop

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// The loop's debugging surface, opt-in through the environment because
// the compat packages mirror the standard library and add no names:
//
//	EVSHIM_STATS=10s           print a stats line to stderr every 10 s
//	EVSHIM_DEBUG_SIGNAL=USR1   on SIGUSR1, print the stats and every
//	                           reactor's stack (gevent's print_run_info)

// String formats a snapshot as one key=value line.
func (s Stats) String() string {
	return fmt.Sprintf("loops=%d fallback=%v open=%d accepted=%d dialed=%d adopted=%d bytes_in=%d bytes_out=%d queued=%d events=%d wakeups=%d parks=%d tasks=%d timers=%d callbacks=%d longest_callback=%v stalls=%d",
		s.Loops, s.Fallback, s.Open, s.Accepted, s.Dialed, s.Adopted, s.BytesIn, s.BytesOut, s.Queued,
		s.Events, s.Wakeups, s.Parks, s.Tasks, s.Timers, s.Callbacks, s.LongestCallback, s.Stalls)
}

// reporter prints stats periodically and dumps state on a signal. It owns
// one goroutine while the loop runs; stop ends it. A loop with a reporter
// counts it as a user and never stops when idle: the dump signal would
// otherwise get its default action (SIGUSR1 ends the process), and the
// stats lines would stop.
type reporter struct {
	in    *instance
	every time.Duration  // 0: no periodic line
	sig   os.Signal      // nil: no dump on a signal
	out   io.Writer      // os.Stderr, or a test's buffer
	done  chan struct{}  // closed by stop
	sigs  chan os.Signal // registered with os/signal while the reporter runs
}

// statsEvery and dumpSignal read the environment.
func statsEvery() time.Duration {
	d, err := time.ParseDuration(os.Getenv("EVSHIM_STATS"))
	if err != nil || d <= 0 {
		return 0
	}
	return d
}

func dumpSignal() os.Signal {
	switch strings.TrimPrefix(strings.ToUpper(os.Getenv("EVSHIM_DEBUG_SIGNAL")), "SIG") {
	case "USR1":
		return sigUSR1
	case "USR2":
		return sigUSR2
	case "QUIT":
		return syscall.SIGQUIT
	}
	return nil
}

func newReporter(in *instance, every time.Duration, sig os.Signal, out io.Writer) *reporter {
	if every <= 0 && sig == nil {
		return nil
	}
	return &reporter{in: in, every: every, sig: sig, out: out, done: make(chan struct{})}
}

func (r *reporter) run() {
	defer r.in.wg.Done()
	var tick <-chan time.Time
	if r.every > 0 {
		t := time.NewTicker(r.every)
		defer t.Stop()
		tick = t.C
	}
	if r.sig != nil {
		r.sigs = make(chan os.Signal, 1)
		signal.Notify(r.sigs, r.sig)
		defer signal.Stop(r.sigs)
	}
	for {
		select {
		case <-r.done:
			return
		case <-tick:
			fmt.Fprintf(r.out, "evshim: stats %v\n", r.in.lp.Stats())
		case <-r.sigs:
			r.dump()
		}
	}
}

// dump prints the stats and each reactor's stack.
func (r *reporter) dump() {
	fmt.Fprintf(r.out, "evshim: stats %v\n", r.in.lp.Stats())
	for i, rc := range r.in.reactors {
		fmt.Fprintf(r.out, "evshim: reactor %d busy=%v\n%s\n", i, rc.busySince.Load() != 0, goroutineStack(rc.gid.Load()))
	}
}

func (r *reporter) stop() { close(r.done) }
