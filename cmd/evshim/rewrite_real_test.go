package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

// sampleProgram uses net, net/http and os/signal together, as a program
// written for the standard library does.
const sampleProgram = `package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Shutdown(context.Background())
}
`

// TestRewriteRealModule runs the import swap on a module that builds
// against this repository: every example (written with the compat imports)
// goes back to the standard library and forth again, and a program written
// for the standard library goes to the compat packages and back. Each
// direction must build, and each round trip must restore the bytes.
func TestRewriteRealModule(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	testenv.IsolateGo(t)
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":         "module example.com/sample\n\ngo 1.22\n\nrequire github.com/evshim/evshim v0.0.0\n\nreplace github.com/evshim/evshim => " + repo + "\n",
		"stdapp/main.go": sampleProgram,
	}
	// The examples' programs (their tests stay behind: they use test
	// helpers internal to this repository).
	examples, _ := filepath.Glob(filepath.Join(repo, "examples", "*", "*.go"))
	for _, f := range examples {
		if strings.HasSuffix(f, "_test.go") || strings.Contains(f, string(filepath.Separator)+"internal"+string(filepath.Separator)) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Join(repo, "examples"), f)
		files["examples/"+filepath.ToSlash(rel)] = string(b)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(sum)
	testenv.WriteTree(t, dir, files)
	// No "go mod tidy": it would want the modules that the tests of the
	// library's dependencies import (testify, yaml), which only a warm
	// module cache holds. With -mod=mod, go build adds the requirements it
	// needs from the library's own module graph, whose modules
	// "go mod download" in the repository fetches, and IsolateGo keeps
	// the proxy off, so the test needs nothing else.
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Chdir(dir)

	snapshot := func() map[string]string {
		got := map[string]string{}
		for name := range files {
			if strings.HasSuffix(name, ".go") {
				b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
				got[name] = string(b)
			}
		}
		return got
	}
	original := snapshot()
	rewriteAll := func(args ...string) {
		t.Helper()
		if code, _, stderr := runEvshim(t, append([]string{"rewrite", "-w"}, args...)...); code != 0 {
			t.Fatalf("evshim rewrite -w %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}

	rewriteAll("-revert", "./...") // examples back to the standard library
	goCmd(t, "build", "./...")
	reverted := snapshot()
	if reverted["examples/echo/main.go"] == original["examples/echo/main.go"] {
		t.Fatal("-revert changed nothing in examples/echo")
	}

	rewriteAll("./...") // everything onto the compat packages
	goCmd(t, "build", "./...")
	swapped := snapshot()
	for name, want := range original {
		if strings.HasPrefix(name, "examples/") && swapped[name] != want {
			t.Errorf("%s: rewrite after -revert did not restore the example's bytes", name)
		}
	}
	if !strings.Contains(swapped["stdapp/main.go"], `"github.com/evshim/evshim/compat/http"`) {
		t.Errorf("stdapp was not rewritten:\n%s", swapped["stdapp/main.go"])
	}

	rewriteAll("-revert", "./...")
	goCmd(t, "build", "./...")
	for name, want := range reverted {
		if got := snapshot()[name]; got != want {
			t.Errorf("%s: -revert after rewrite did not restore the bytes", name)
		}
	}
	if snapshot()["stdapp/main.go"] != sampleProgram {
		t.Error("the sample program did not come back byte for byte")
	}
}
