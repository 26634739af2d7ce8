// Package exampletest runs the programs under examples/ from go test: in
// the test process, through each program's run function, and as a child
// process, through its main function, by running the test binary again.
//
// The server programs print "listening on ADDR" as their first line; the
// helpers here wait for that line and hand ADDR to the test, which then
// drives the program as a client would, over loopback.
package exampletest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitLimit bounds every wait for a line of output or for a program to
// end. It is a watchdog that turns a hang into a failure showing the
// output so far, not a speed assertion: what it waits for normally takes
// milliseconds.
const waitLimit = 20 * time.Second

// Output is an io.Writer that keeps what a program prints and lets a test
// wait for a line of it.
//
// Multiple goroutines may invoke methods on an Output simultaneously. The
// zero value is ready to use.
type Output struct {
	mu     sync.Mutex
	buf    bytes.Buffer  // guarded by mu
	grew   chan struct{} // guarded by mu; closed and replaced by every Write and by finish
	closed bool          // guarded by mu; set by finish once the program has ended
}

// Write appends p to the output and wakes every WaitLine.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	o.wakeLocked()
	return len(p), nil
}

// finish records that the program has ended: waits for lines that have not
// arrived end at once.
func (o *Output) finish() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.wakeLocked()
}

func (o *Output) wakeLocked() {
	if o.grew != nil {
		close(o.grew)
		o.grew = nil
	}
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// WaitLine waits until a complete line that starts with prefix has been
// written and returns it without its newline. It fails the test, showing
// the output so far, if the program ends first or no such line arrives
// within the wait limit.
func (o *Output) WaitLine(t testing.TB, prefix string) string {
	t.Helper()
	line, err := o.waitLine(prefix)
	if err != "" {
		t.Fatalf("no line starting with %q: %s; output so far:\n%s", prefix, err, o.String())
	}
	return line
}

// waitLine is WaitLine's work; it reports a failure as a non-empty reason.
func (o *Output) waitLine(prefix string) (line, reason string) {
	limit := time.NewTimer(waitLimit)
	defer limit.Stop()
	for {
		o.mu.Lock()
		for _, l := range strings.SplitAfter(o.buf.String(), "\n") {
			if strings.HasPrefix(l, prefix) && strings.HasSuffix(l, "\n") {
				o.mu.Unlock()
				return strings.TrimSuffix(l, "\n"), ""
			}
		}
		if o.closed {
			o.mu.Unlock()
			return "", "the program has ended"
		}
		if o.grew == nil {
			o.grew = make(chan struct{})
		}
		grew := o.grew
		o.mu.Unlock()
		select {
		case <-grew:
		case <-limit.C:
			return "", "none within " + waitLimit.String()
		}
	}
}
