// Package testenv holds what evshim's test packages share: the leak check
// every TestMain runs, and helpers for tests that run the go command on
// fixture modules.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// VerifyTestMain runs the tests, then fails the run if any goroutine is
// left (goleak, with no option but those given). The shared loop is not
// stopped first: an unused loop stops by itself (internal/loop's doc.go),
// so a loop goroutine still running at the end means that a test left a
// connection, listener or timer open, and goleak reports it. Every test
// package calls it from TestMain (internal/loop, which it imports, calls
// goleak itself).
func VerifyTestMain(m *testing.M, opts ...goleak.Option) {
	goleak.VerifyTestMain(m, opts...)
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

// RunRaceChild runs the tests matching run in a child process, the test
// binary again with env set to value, and fails t if the child failed or
// the race detector reported a data race in it. Tests that show the
// absence of a race need a process each: the race detector reports a
// racing pair of code locations only once per process, so a second case
// through the same code would pass whatever it does.
func RunRaceChild(t *testing.T, run, env, value string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+value)
	out, err := cmd.CombinedOutput()
	if bytes.Contains(out, []byte("WARNING: DATA RACE")) {
		t.Fatalf("the race detector reported a data race:\n%s", out)
	}
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: ")) {
		t.Fatalf("the child ran no test:\n%s", out)
	}
}

// AppModule writes, under a new temporary directory, a main module
// example.com/app (in app/) that requires example.com/dep (in dep/, by a
// replace) and resolves github.com/evshim/evshim to the checkout at repo,
// plus files (paths relative to that directory). With tidy it runs go
// mod tidy from the module cache alone. It sets EVSHIM_CACHE to a fresh
// directory beside them and returns app/'s path.
func AppModule(t testing.TB, repo string, files map[string]string, tidy bool) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	IsolateGo(t)
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	all := map[string]string{
		"app/go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n\nreplace github.com/evshim/evshim => " + repo + "\n",
		"app/go.sum": string(sum),
	}
	for k, v := range files {
		all[k] = v
	}
	WriteTree(t, root, all)
	app := filepath.Join(root, "app")
	if tidy {
		Tidy(t, app)
	}
	t.Setenv("EVSHIM_CACHE", filepath.Join(root, "cache"))
	return app
}

// Tidy runs go mod tidy in dir from the module cache alone.
func Tidy(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
}
