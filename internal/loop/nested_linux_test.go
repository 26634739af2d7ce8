package loop

import (
	"os"
	"os/exec"
	"testing"
)

// TestReactorWaitsInRuntimePoller: on Linux every reactor waits in the
// runtime's netpoller, unless EVSHIM_REACTOR=gnet asks for gnet's Polling.
func TestReactorWaitsInRuntimePoller(t *testing.T) {
	lp := withLoop(t, Config{Reactors: 2})
	want := 2
	if os.Getenv("EVSHIM_REACTOR") == "gnet" {
		want = 0
	}
	if got := lp.Stats().RuntimeWait; got != want {
		t.Fatalf("Stats().RuntimeWait = %d, want %d", got, want)
	}
}

// TestGnetPollingFallback runs the loop's tests again with the reactors
// on gnet's Polling (the path taken where nesting is not possible), in a
// child process, since the choice is made when a reactor starts.
func TestGnetPollingFallback(t *testing.T) {
	if os.Getenv("EVSHIM_REACTOR") == "gnet" {
		t.Skip("already the fallback")
	}
	if testing.Short() {
		t.Skip("runs the package's tests again")
	}
	if pollOpt && raceEnabled {
		// gnet's poll_opt Polling reads a pointer from its 4-byte aligned
		// epoll event (poller_unix_ultimate.go), which the race
		// detector's pointer checks reject with a fatal error inside gnet.
		t.Skip("gnet's poll_opt Polling fails checkptr under -race")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^Test(ReactorWaitsInRuntimePoller|LazyStartStopRestart|PostOrderAndInLoop|PostAfterShutdown|AfterFuncAndStop|FDReadWakesOnData|FDDeadlineAndClose|ShutdownWakesWaiters|PostDuringShutdown|IdleStop|IdleStopWaitsForTimers|StartStopRace)$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EVSHIM_REACTOR=gnet")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("with EVSHIM_REACTOR=gnet: %v\n%s", err, out)
	}
}
