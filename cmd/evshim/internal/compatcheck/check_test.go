package compatcheck_test

import (
	"bytes"
	"errors"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"

	"github.com/evshim/evshim/cmd/evshim/internal/compatcheck"
	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
	"github.com/evshim/evshim/internal/testenv"
)

// writeModule writes a module that imports net directly and asserts to
// *net.TCPConn, in its package and again in its test, and returns its
// directory.
func writeModule(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.26\n",
		"app.go": `package app

import "net"

func KeepAlive(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetKeepAlive(true)
	}
}
`,
		"app_test.go": `package app

import "testing"

func TestKeepAlive(t *testing.T) { KeepAlive(nil) }
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheck(t *testing.T) {
	testenv.IsolateGo(t)
	dir := writeModule(t)
	findings, err := compatcheck.Check(compatcheck.Options{Dir: dir, Tests: true}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, filepath.Base(f.Pos.Filename)+":"+f.Kind+":"+f.Package)
	}
	// app.go is analyzed in the package and in its test variant; each
	// finding is listed once.
	want := []string{"app.go:imports:example.com/app", "app.go:assertions:example.com/app"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}

	findings, err = compatcheck.Check(compatcheck.Options{Dir: dir, Kinds: compatcheck.Assertions}, "./...")
	if err != nil || len(findings) != 1 || findings[0].Kind != "assertions" {
		t.Errorf("Kinds=assertions: %v, %v; want one assertion", findings, err)
	}

	if err := os.WriteFile(filepath.Join(dir, "broken.go"), []byte("package app\n\nvar x int = \"s\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := compatcheck.Check(compatcheck.Options{Dir: dir}, "./..."); err == nil || !strings.Contains(err.Error(), "broken.go") {
		t.Errorf("Check of a package with a type error: err = %v, want it reported", err)
	}
}

// TestVetTool runs the analyzer the way go vet users do.
func TestVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the evshim-check command; skipped in -short mode")
	}
	tool := filepath.Join(t.TempDir(), "evshim-check")
	if out, err := exec.Command("go", "build", "-o", tool, "./cmd/evshim-check").CombinedOutput(); err != nil {
		t.Fatalf("building evshim-check: %v\n%s", err, out)
	}
	testenv.IsolateGo(t)
	cmd := exec.Command("go", "vet", "-vettool="+tool, "./...")
	cmd.Dir = writeModule(t)
	out, err := cmd.CombinedOutput()
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) {
		t.Fatalf("go vet: err = %v, want a non-zero exit status\n%s", err, out)
	}
	for _, re := range []string{
		`app.go:3:8: "net" imported directly`,
		`app.go:6:18: type assertion to \*net.TCPConn never matches a compat value`,
	} {
		if !regexp.MustCompile(re).Match(out) {
			t.Errorf("go vet output lacks %q:\n%s", re, out)
		}
	}
	if n := bytes.Count(out, []byte("imported directly")); n != 1 {
		t.Errorf("go vet reported the import %d times, want once:\n%s", n, out)
	}
}

// TestFallbackOwned checks that the owned types used when no compat package
// is in the build are the ones the compat packages declare today.
func TestFallbackOwned(t *testing.T) {
	// The standard library packages are roots too, so that each is read
	// whole from its own export data; as a mere dependency of a compat
	// package, only the parts that package's export data mentions would be
	// there. NeedDeps would read every dependency's export data instead,
	// which takes seconds under the race detector.
	var paths []string
	for _, s := range rewrite.Swaps {
		if s.Std != "os/signal" { // os/signal has no types to own
			paths = append(paths, s.Compat, s.Std)
		}
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*packages.Package{}
	missing := map[string]bool{} // mirrored packages whose compat package is not there yet
	for _, p := range pkgs {
		if len(p.Errors) > 0 || p.Types == nil || len(p.Types.Scope().Names()) == 0 {
			t.Logf("%s does not build yet (%v); its types are not compared", p.PkgPath, p.Errors)
			for _, s := range rewrite.Swaps {
				if s.Compat == p.PkgPath {
					missing[s.Std] = true
				}
			}
			continue
		}
		byPath[p.PkgPath] = p
	}
	if len(byPath) == 0 {
		t.Skip("no compat package builds; nothing to compare with")
	}
	var want []string
	for _, name := range compatcheck.FallbackOwned() {
		if !missing[name[:strings.LastIndex(name, ".")]] {
			want = append(want, name)
		}
	}
	var got []string
	for _, s := range rewrite.Swaps {
		compat, std := byPath[s.Compat], byPath[s.Std]
		if compat == nil || std == nil {
			continue
		}
		for _, name := range compatcheck.DeclaredTypes(s.Std, compat.Types) {
			// Only types that the standard library also declares can be
			// asserted to by code written against it.
			if _, ok := std.Types.Scope().Lookup(name[strings.LastIndex(name, ".")+1:]).(*types.TypeName); ok {
				got = append(got, name)
			}
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fallbackOwned is stale (-fallback +declared):\n%s", diff)
	}
}

// BenchmarkCheck measures one run of Check over a small module that
// imports net: what each "evshim check" invocation costs, loading included.
func BenchmarkCheck(b *testing.B) {
	testenv.IsolateGo(b)
	dir := writeModule(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compatcheck.Check(compatcheck.Options{Dir: dir, Tests: true}, "./..."); err != nil {
			b.Fatal(err)
		}
	}
}
