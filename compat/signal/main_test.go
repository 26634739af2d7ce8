package signal_test

import (
	"os"
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

// childEnv names the scenario a re-executed test binary runs instead of the
// tests (see exec_linux_test.go).
const childEnv = "EVSHIM_SIGNAL_CHILD"

// TestMain checks for leaked goroutines after the tests. goleak's defaults
// already leave out os/signal's own receiver goroutine (os/signal.loop in
// signal_recv), which the runtime starts on the first Notify and never
// stops; every goroutine of this package must be gone.
func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name))
	}
	testenv.VerifyTestMain(m)
}
