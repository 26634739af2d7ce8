package exampletest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// ListeningPrefix starts the first line of every server example.
const ListeningPrefix = "listening on "

// Program is an example's run function running in the test process.
type Program struct {
	Addr string  // the address from the "listening on" line
	Out  *Output // everything the program printed

	cancel context.CancelFunc
	done   chan error // closed when run has returned; err is set then
	err    error      // run's result; read only after done is closed
}

// Start calls run in a new goroutine with a context that Stop cancels,
// waits for its "listening on ADDR" line, and returns the running program.
// A cleanup stops it and fails the test if run returned an error.
func Start(t *testing.T, run func(ctx context.Context, stdout io.Writer) error) *Program {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &Program{Out: new(Output), cancel: cancel, done: make(chan error)}
	go func() {
		p.err = run(ctx, p.Out)
		p.Out.finish()
		close(p.done)
	}()
	t.Cleanup(func() {
		if err := p.Stop(t); err != nil {
			t.Errorf("run returned %v after its context was canceled, want nil; output:\n%s", err, p.Out)
		}
	})
	line := p.Out.WaitLine(t, ListeningPrefix)
	p.Addr = strings.TrimPrefix(line, ListeningPrefix)
	return p
}

// Stop cancels the program's context, as SIGINT or SIGTERM does in main,
// waits for run to return and returns its error. Stop may be called more
// than once.
func (p *Program) Stop(t testing.TB) error {
	t.Helper()
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		t.Fatalf("run did not return within %v of its context's end; output:\n%s", waitLimit, p.Out)
	}
	return p.err
}
