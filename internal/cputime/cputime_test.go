//go:build unix

package cputime

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestProcessGrows: CPU spent spinning shows in Process's figures. It
// spins until 10 ms more are counted, for up to 10 s of wall time, so a
// machine too busy to run it promptly only makes it slower.
func TestProcessGrows(t *testing.T) {
	u0, s0, ok := Process()
	if !ok {
		t.Fatal("Process: not ok on a unix platform")
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		u1, s1, ok := Process()
		if !ok {
			t.Fatal("Process: not ok on a second call")
		}
		if u1+s1-(u0+s0) >= 10*time.Millisecond {
			return
		}
	}
	t.Fatal("10 s of spinning did not count 10 ms of CPU")
}
