package main

import (
	"testing"

	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// TestMain is the package's one TestMain; every command's tests share it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(stopLoop{m}) }

// stopLoop runs the tests, then stops the shared loop so that goleak
// reports only goroutines the tests themselves leaked.
type stopLoop struct{ m *testing.M }

func (s stopLoop) Run() int {
	code := s.m.Run()
	loop.Shutdown()
	return code
}
