package sweep

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks for leaked goroutines, the loop's included: an unused
// loop stops by itself, so one still running means a test left something
// open.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
