// Package testenv holds what evshim's test packages share: the leak check
// every TestMain runs, and helpers for tests that run the go command on
// fixture modules.
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// VerifyTestMain runs the tests, stops the shared loop, then fails the run
// if any goroutine is left (goleak). Stopping the loop first means goleak
// reports only goroutines the tests themselves leaked. Every test package
// calls it from TestMain (internal/loop, which it imports, keeps its own).
func VerifyTestMain(m *testing.M, opts ...goleak.Option) {
	goleak.VerifyTestMain(stopLoop{m}, opts...)
}

type stopLoop struct{ m *testing.M }

func (s stopLoop) Run() int {
	code := s.m.Run()
	loop.Shutdown()
	return code
}

// IsolateGo keeps the go commands that a test runs, directly or through
// go/packages, inside its fixture modules: the developer's go.work and
// GOFLAGS must not apply to them, and nothing may be downloaded.
func IsolateGo(t testing.TB) {
	t.Helper()
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOPROXY", "off")
}

// WriteTree writes files (slash-separated names relative to root) under root.
func WriteTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
