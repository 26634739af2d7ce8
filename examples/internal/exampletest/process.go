package exampletest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/evshim/evshim/internal/testenv"
)

// childEnv, set to "1" in the environment of a test binary, makes its
// TestMain run the example's main instead of the tests (see Main).
const childEnv = "EVSHIM_EXAMPLE_RUN_MAIN"

// Main is an example's TestMain: in a test binary that StartMain started
// to act as the example program (childEnv set) it runs main and exits;
// otherwise it runs the tests, with goleak and the loop stopped at the end.
//
//	func TestMain(m *testing.M) { exampletest.Main(m, main) }
func Main(m *testing.M, main func()) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	testenv.VerifyTestMain(m)
}

// Process is an example's main function running in a child process: the
// test binary, run again as the example (see Main). This is how a test
// sees what only a real process shows, such as its exit status after a
// signal.
type Process struct {
	Addr string  // the address from the "listening on" line
	Out  *Output // the child's standard output
	Err  *Output // the child's standard error

	cmd  *exec.Cmd
	done chan struct{} // closed when the child has exited; werr is set then
	werr error         // cmd.Wait's result; read only after done is closed
}

// StartMain starts the example's main in a child process with args as its
// command-line arguments, and waits for its "listening on ADDR" line. A
// cleanup kills the child if it is still running.
func StartMain(t *testing.T, args ...string) *Process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	p := &Process{Out: new(Output), Err: new(Output), done: make(chan struct{})}
	p.cmd = exec.Command(exe, args...)
	// A race-enabled binary sleeps a second at exit by default, waiting
	// for other threads' reports; a race in the child still makes it exit
	// with status 66, which the tests check, so skip the sleep.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	p.cmd.Env = append(os.Environ(), childEnv+"=1", "GORACE="+gorace)
	p.cmd.Stdout = p.Out
	p.cmd.Stderr = p.Err
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	go func() {
		p.werr = p.cmd.Wait()
		p.Out.finish()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	line, reason := p.Out.waitLine(ListeningPrefix)
	if reason != "" {
		t.Fatalf("child: no %q line: %s; stdout:\n%s\nstderr:\n%s", ListeningPrefix, reason, p.Out, p.Err)
	}
	p.Addr = strings.TrimPrefix(line, ListeningPrefix)
	return p
}

// Signal sends sig to the child.
func (p *Process) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v to the child: %v", sig, err)
	}
}

// Wait waits for the child to exit and returns its exit status, -1 if a
// signal killed it.
func (p *Process) Wait(t testing.TB) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		t.Fatalf("child still running after %v; stdout:\n%s\nstderr:\n%s", waitLimit, p.Out, p.Err)
	}
	var exit *exec.ExitError
	switch {
	case p.werr == nil:
		return 0
	case errors.As(p.werr, &exit):
		return exit.ExitCode()
	default:
		t.Fatalf("waiting for the child: %v", p.werr)
		return -1
	}
}
