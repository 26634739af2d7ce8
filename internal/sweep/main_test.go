package sweep

import (
	"testing"

	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(stopLoop{m}) }

// stopLoop runs the tests, then stops the shared loop so that goleak
// reports only goroutines the tests themselves leaked.
type stopLoop struct{ m *testing.M }

func (s stopLoop) Run() int {
	code := s.m.Run()
	loop.Shutdown()
	return code
}
