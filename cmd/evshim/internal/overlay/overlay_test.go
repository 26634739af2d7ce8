package overlay_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evshim/evshim/cmd/evshim/internal/overlay"
	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
	"github.com/evshim/evshim/internal/testenv"
)

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

// depFiles is a dependency module: one package that dials and serves with
// the standard library, one that uses net only in a file of its own, and
// one that imports none of the swapped packages.
var depFiles = map[string]string{
	"dep/go.mod": "module example.com/dep\n\ngo 1.22\n",
	"dep/client/client.go": `package client

import (
	"io"
	"net"
)

func Get(addr string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	b, err := io.ReadAll(c)
	return string(b), err
}
`,
	"dep/client/doc.go": "// Package client dials.\npackage client\n",
	"dep/server/server.go": `package server

import (
	"fmt"
	"net/http"
)

func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hi") })
}

// Serve takes a server typed on net/http: a patched caller that is not
// patched in step with it meets a type mismatch.
func Serve(srv *http.Server) string { return fmt.Sprintf("%T", srv) }
`,
	"dep/plain/plain.go": "package plain\n\nimport \"strings\"\n\nfunc Up(s string) string { return strings.ToUpper(s) }\n",
}

// appFiles is the main module: it uses the dependency, net/http itself,
// crypto/tls (which connects by itself) and, in its test, net; evshim.go
// keeps the evshim requirement through go mod tidy.
var appFiles = map[string]string{
	"app/main.go": `package main

import (
	"crypto/tls"
	"fmt"
	"net/http"

	"example.com/dep/client"
	"example.com/dep/plain"
	"example.com/dep/server"
)

var _ = tls.Dial

func main() {
	fmt.Println(plain.Up("x"), client.Get, server.Serve(&http.Server{Handler: server.Handler()}))
}
`,
	"app/main_test.go": "package main\n\nimport (\n\t\"net\"\n\t\"testing\"\n)\n\nfunc TestNothing(t *testing.T) { _ = net.Dial }\n",
	"app/evshim.go":    evshimKeep,
}

// evshimKeep is the file that keeps github.com/evshim/evshim, and the
// go.sum entries of every compat package, through go mod tidy.
const evshimKeep = `package main

// The patched packages import the compat packages.
import (
	_ "github.com/evshim/evshim/compat/http"
	_ "github.com/evshim/evshim/compat/net"
	_ "github.com/evshim/evshim/compat/signal"
)
`

// fixture writes the modules into a temporary directory, with the app
// requiring evshim from this checkout and the dependency through replace
// directives, and returns the app's directory. tidy runs go mod tidy in
// it, which fills in go.mod and go.sum from the module cache.
func fixture(t testing.TB, files map[string]string, tidy bool) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return testenv.AppModule(t, repo, files, tidy)
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// readOverlay returns the overlay file's Replace map with paths relative
// to base and the copies' contents in place of their paths.
func readOverlay(t *testing.T, file, base string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(b, &ov); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for orig, cp := range ov.Replace {
		rel, err := filepath.Rel(base, orig)
		if err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(cp)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.ToSlash(rel)] = string(body)
	}
	return got
}

func swapped(src, from, to string) string {
	return strings.Replace(src, `"`+from+`"`, `"`+to+`"`, 1)
}

// TestLoad checks which files the overlay replaces and with what: every
// file of a non-standard package that imports a swapped package, with only
// the import paths changed; the main package's test file when tests are
// included; never evshim's own packages, files without swapped imports,
// or the standard library. The source tree stays as it was.
func TestLoad(t *testing.T) {
	app := fixture(t, merge(depFiles, appFiles), true)
	root := filepath.Dir(app)
	before := readTree(t, root)

	res, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}, Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	const c = rewrite.Module + "/compat/"
	want := map[string]string{
		"dep/client/client.go": swapped(depFiles["dep/client/client.go"], "net", c+"net"),
		"dep/server/server.go": swapped(depFiles["dep/server/server.go"], "net/http", c+"http"),
		"app/main.go":          swapped(appFiles["app/main.go"], "net/http", c+"http"),
		"app/main_test.go":     swapped(appFiles["app/main_test.go"], "net", c+"net"),
	}
	if diff := cmp.Diff(want, readOverlay(t, res.File, root)); diff != "" {
		t.Errorf("overlay mismatch (-want +got):\n%s", diff)
	}
	var paths, whys []string
	for _, p := range res.Patched {
		paths = append(paths, p.Path)
		whys = append(whys, p.Why)
		if strings.HasPrefix(p.Path, rewrite.Module) {
			t.Errorf("patched evshim's own package %s", p.Path)
		}
	}
	if diff := cmp.Diff([]string{"example.com/app", "example.com/dep/client", "example.com/dep/server"}, paths); diff != "" {
		t.Errorf("patched packages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"imports net, net/http", "imports net", "imports net/http"}, whys); diff != "" {
		t.Errorf("why (-want +got):\n%s", diff)
	}
	if len(res.OffLoop) != 1 || res.OffLoop[0].Pkg != "crypto/tls" || !cmp.Equal(res.OffLoop[0].Via, []string{"example.com/app"}) {
		t.Errorf("OffLoop = %+v, want crypto/tls via example.com/app", res.OffLoop)
	}
	// Every file of a package that imports a swapped package is read and
	// keyed, those without swapped imports (doc.go, evshim.go) too.
	if res.Rewritten != 6 || res.Reused != 0 {
		t.Errorf("first run: rewritten %d, reused %d; want 6, 0", res.Rewritten, res.Reused)
	}
	if diff := cmp.Diff(before, readTree(t, root)); diff != "" {
		t.Errorf("the source tree changed (-before +after):\n%s", diff)
	}

	// The same build again: nothing rewritten, the same overlay file.
	again, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}, Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.Rewritten != 0 || again.Reused != 6 || again.File != res.File {
		t.Errorf("second run: rewritten %d, reused %d, file %s; want 0, 6, %s", again.Rewritten, again.Reused, again.File, res.File)
	}

	// A changed file is rewritten alone, into a new overlay.
	edited := strings.Replace(depFiles["dep/client/client.go"], "Connection: close", "Connection: Close", 1)
	testenv.WriteTree(t, root, map[string]string{"dep/client/client.go": edited})
	third, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}, Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	if third.Rewritten != 1 || third.Reused != 5 || third.File == res.File {
		t.Errorf("after an edit: rewritten %d, reused %d, same file %v; want 1, 5, false", third.Rewritten, third.Reused, third.File == res.File)
	}
}

func TestLoadSkip(t *testing.T) {
	app := fixture(t, merge(depFiles, appFiles), true)
	tests := []struct {
		skip        []string
		wantPatched []string
		wantLeft    []string
	}{
		{skip: []string{"example.com/dep/..."}, wantPatched: []string{"example.com/app"}, wantLeft: []string{"example.com/dep/client", "example.com/dep/server"}},
		{skip: []string{"example.com/dep/server"}, wantPatched: []string{"example.com/app", "example.com/dep/client"}, wantLeft: []string{"example.com/dep/server"}},
		{skip: []string{"."}, wantPatched: []string{"example.com/dep/client", "example.com/dep/server"}, wantLeft: []string{"example.com/app"}},
		{skip: []string{"../dep/client", "example.com/app"}, wantPatched: []string{"example.com/dep/server"}, wantLeft: []string{"example.com/app", "example.com/dep/client"}},
		{skip: []string{"example.com/..."}, wantLeft: []string{"example.com/app", "example.com/dep/client", "example.com/dep/server"}},
	}
	for _, tt := range tests {
		t.Run("skip="+strings.Join(tt.skip, ","), func(t *testing.T) {
			res, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}, Skip: tt.skip})
			if err != nil {
				t.Fatal(err)
			}
			var patched, left []string
			for _, p := range res.Patched {
				patched = append(patched, p.Path)
			}
			for _, l := range res.Left {
				if strings.HasPrefix(l.Reason, "a dependency of evshim's") {
					continue // zap, through gnet
				}
				left = append(left, l.Path)
				if !strings.HasPrefix(l.Reason, "-skip ") {
					t.Errorf("%s left with reason %q, want the -skip that matched", l.Path, l.Reason)
				}
			}
			if diff := cmp.Diff(tt.wantPatched, patched); diff != "" {
				t.Errorf("patched (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLeft, left); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadRequire checks that a module that does not require evshim gets
// the go get command that adds it, before any build.
func TestLoadRequire(t *testing.T) {
	files := merge(depFiles, appFiles)
	delete(files, "app/evshim.go")
	app := fixture(t, files, false)
	_, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}})
	var re *overlay.RequireError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RequireError", err)
	}
	want := "go get github.com/evshim/evshim/compat/net@" + overlay.Version()
	if !strings.HasPrefix(re.Get, want) || !strings.Contains(err.Error(), re.Get) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
	if !strings.Contains(re.Detail, "github.com/evshim/evshim") {
		t.Errorf("Detail %q does not name the module", re.Detail)
	}
}

// TestDiagnose builds with a patch that cannot compile (the main package
// left unpatched hands a *net/http.Server to a patched dependency, and
// the other way round) and checks the explanation.
func TestDiagnose(t *testing.T) {
	app := fixture(t, merge(depFiles, appFiles), true)
	tests := []struct {
		skip, failing, wantSkip string
		patched                 bool
	}{
		{skip: "example.com/app", failing: "example.com/app", wantSkip: "example.com/dep/server"},
		{skip: "example.com/dep/server", failing: "example.com/app", wantSkip: "example.com/app", patched: true},
	}
	for _, tt := range tests {
		t.Run("skip="+tt.skip, func(t *testing.T) {
			res, err := overlay.Load(overlay.Options{Dir: app, Patterns: []string{"."}, Skip: []string{tt.skip}})
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("go", "build", "-overlay="+res.File, "-o", os.DevNull, ".")
			cmd.Dir = app
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the build succeeded; want a type mismatch")
			}
			ms := res.Diagnose(string(out))
			if len(ms) != 1 {
				t.Fatalf("Diagnose found %d mismatches, want 1; go build said:\n%s", len(ms), out)
			}
			m := ms[0]
			if m.Pkg != tt.failing || m.Patched != tt.patched || !cmp.Equal(m.Types, []string{"*net/http.Server"}) || !cmp.Equal(m.Skip, []string{tt.wantSkip}) {
				t.Errorf("mismatch = %+v; want package %s (patched %v), type *net/http.Server, -skip %s", m, tt.failing, tt.patched, tt.wantSkip)
			}
			if s := m.String(); !strings.Contains(s, "-skip "+tt.wantSkip+" keeps the build going") || !strings.Contains(s, tt.failing) {
				t.Errorf("message does not name the package and the -skip:\n%s", s)
			}
		})
	}
}

func TestDiagnoseIgnoresOtherErrors(t *testing.T) {
	out := "# example.com/app\n./main.go:3:2: undefined: foo\n"
	if ms := (&overlay.Result{}).Diagnose(out); len(ms) != 0 {
		t.Errorf("Diagnose(%q) = %+v, want nothing", out, ms)
	}
}

// readTree returns every file under root except the cache.
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "cache" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files[path] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// BenchmarkLoad measures overlay generation with a warm cache for modules
// of n packages, each importing net and net/http (op=overlay), against a
// plain "go list -deps -json" of the same module (op=golist), which is
// most of the work: the rest is a cache lookup per file and one go env.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{25, 100, 400} {
		files := merge(depFiles)
		main := "package main\n\nimport (\n"
		for i := 0; i < n; i++ {
			main += fmt.Sprintf("\t_ \"example.com/app/p%d\"\n", i)
			files[fmt.Sprintf("app/p%d/p.go", i)] = fmt.Sprintf("package p%d\n\nimport (\n\t\"net\"\n\t\"net/http\"\n)\n\nvar _ = net.Dial\nvar _ = http.Get\n", i)
		}
		files["app/main.go"] = main + ")\n\nfunc main() {}\n"
		files["app/evshim.go"] = evshimKeep
		var app string
		b.Run(fmt.Sprintf("pkgs=%d/op=golist", n), func(b *testing.B) {
			app = fixture(b, files, true)
			for i := 0; i < b.N; i++ {
				cmd := exec.Command("go", "list", "-e", "-deps", "-json=ImportPath,Dir,GoFiles,Imports,Module", ".")
				cmd.Dir = app
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("go list: %v\n%s", err, out)
				}
			}
		})
		b.Run(fmt.Sprintf("pkgs=%d/op=overlay", n), func(b *testing.B) {
			app = fixture(b, files, true)
			opts := overlay.Options{Dir: app, Patterns: []string{"."}}
			if _, err := overlay.Load(opts); err != nil { // warm the cache
				b.Fatal(err)
			}
			var res *overlay.Result
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := overlay.Load(opts)
				if err != nil {
					b.Fatal(err)
				}
				res = r
			}
			b.StopTimer()
			if res.Rewritten != 0 || len(res.Patched) != n {
				b.Fatalf("warm run rewrote %d files and patched %d packages, want 0 and %d", res.Rewritten, len(res.Patched), n)
			}
			b.ReportMetric(float64(res.Packages), "graph-pkgs")
		})
	}
}

// TestOriginals checks that copies' paths in the go command's output
// become their originals', across writes that split lines.
func TestOriginals(t *testing.T) {
	key := strings.Repeat("ab", 32)
	res := &overlay.Result{Patched: []overlay.Package{{Path: "example.com/p", Files: []overlay.File{
		{Path: "/src/p/p.go", Copy: "/cache/ab/" + key + "-p.go"},
	}}}}
	var out strings.Builder
	w := res.Originals(&out)
	in := "# example.com/p\n../cache/ab/" + key + "-p.go:9:3: undefined: x\nother/" + strings.Repeat("cd", 32) + "-q.go:1:1: kept\nno newline"
	for i := 0; i < len(in); i += 7 {
		w.Write([]byte(in[i:min(i+7, len(in))]))
	}
	w.Close()
	want := "# example.com/p\n/src/p/p.go:9:3: undefined: x\nother/" + strings.Repeat("cd", 32) + "-q.go:1:1: kept\nno newline"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}
