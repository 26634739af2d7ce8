package compatcheck_test

import "testing"

// isolateGo keeps the go commands that the tests run inside their fixtures:
// the developer's go.work and GOFLAGS must not apply to them.
func isolateGo(t testing.TB) {
	t.Helper()
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOPROXY", "off")
}
