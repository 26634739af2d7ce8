package exampletest

import (
	"runtime"
	"syscall"
	"testing"
)

// ExitsOnSIGTERM starts the example's main in a child process with args,
// sends it SIGTERM once it listens, and fails the test unless it exits
// with status 0. It returns the child for further checks of its output.
func ExitsOnSIGTERM(t *testing.T, args ...string) *Process {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("windows cannot send SIGTERM to a process")
	}
	p := StartMain(t, args...)
	p.Signal(t, syscall.SIGTERM)
	if code := p.Wait(t); code != 0 {
		t.Fatalf("exit status %d after SIGTERM, want 0; stdout:\n%s\nstderr:\n%s", code, p.Out, p.Err)
	}
	return p
}
