package compatcheck_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/evshim/evshim/internal/loop"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(stopLoop{m}) }

// stopLoop runs the tests, then stops the shared loop so that goleak
// reports only goroutines the tests themselves leaked.
type stopLoop struct{ m *testing.M }

func (s stopLoop) Run() int { code := s.m.Run(); loop.Shutdown(); return code }
