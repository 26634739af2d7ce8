package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evshim/evshim/internal/testenv"
)

// patchFixture is a main module that does no networking itself and two
// dependencies that do: example.com/dep/netdep (its own module, wired in
// with a replace directive) listens, serves with http.Server and dials
// with net.Dial; golang.org/x/net/proxy, a public module from the module
// cache, dials for the app. Each prints the concrete types it got, which
// are compat/net's and compat/http's only when the build patched it.
var patchFixture = map[string]string{
	"dep/go.mod": "module example.com/dep\n\ngo 1.22\n",
	"dep/netdep/netdep.go": `// Package netdep networks with the standard library, as dependencies do.
package netdep

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
)

// TypeName names v's concrete type by its package path.
func TypeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() + "." + t.Name()
}

// Listen listens on a loopback port.
func Listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// Run serves "hello" and fetches it, and reports the types it used.
func Run() (string, error) {
	l, err := Listen()
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })}
	go srv.Serve(l)
	defer srv.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return "", err
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	b, err := io.ReadAll(c)
	if err != nil {
		return "", err
	}
	body := b[bytes.LastIndex(b, []byte("\r\n\r\n"))+4:]
	return fmt.Sprintf("listener=%s server=%s conn=%s body=%s", TypeName(l), TypeName(srv), TypeName(c), body), nil
}
`,
	"app/main.go": `package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"example.com/dep/netdep"
	"golang.org/x/net/proxy"
)

func main() {
	out, err := netdep.Run()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	l, err := netdep.Listen()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer l.Close()
	c, err := proxy.Dial(context.Background(), "tcp", l.Addr().String())
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("%s proxy=%s\n", out, netdep.TypeName(c))
	// A test that wants the loop's stats line (EVSHIM_STATS) sets
	// WAIT_STDIN and closes standard input once it has seen the line,
	// however slow the machine.
	if os.Getenv("WAIT_STDIN") != "" {
		io.Copy(io.Discard, os.Stdin)
	}
}
`,
	"app/evshim.go": `package main

// The patched packages import the compat packages.
import (
	_ "github.com/evshim/evshim/compat/http"
	_ "github.com/evshim/evshim/compat/net"
	_ "github.com/evshim/evshim/compat/signal"
)
`,
}

const compatPrefix = "github.com/evshim/evshim/compat/"

// TestBuildPatchedDependency builds an unmodified module with evshim build
// and runs it: the dependency's listener, server and connections and the
// public module's dialed connection are the compat packages' (the plain
// go build of the same module gives the standard library's). A second
// build rewrites nothing and compiles nothing again; evshim run gives the
// same result.
func TestBuildPatchedDependency(t *testing.T) {
	app := patchModule(t)
	bin := filepath.Join(t.TempDir(), "app")

	code, _, stderr := runEvshim(t, "build", "-C", app, "-v", "-o", bin, ".")
	if code != 0 {
		t.Fatalf("evshim build: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"evshim: patched example.com/dep/netdep (imports net, net/http)",
		"evshim: patched golang.org/x/net/proxy (imports net)",
		"evshim: patched golang.org/x/net/internal/socks (imports net)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("evshim build -v did not say %q:\n%s", want, stderr)
		}
	}
	want := "listener=" + compatPrefix + "net.TCPListener server=" + compatPrefix + "http.Server conn=" + compatPrefix + "net.TCPConn body=hello proxy=" + compatPrefix + "net.TCPConn\n"
	// The loop's own counters: the dependency's server accepted its
	// connection on the loop, and both dials (the dependency's and the
	// public module's) ended on it (a dial's handshake is the standard
	// library's, then the socket is adopted by the loop).
	onLoop := func(stats string) bool {
		return statsValue(t, stats, "accepted") >= 1 && statsValue(t, stats, "dialed")+statsValue(t, stats, "adopted") >= 2
	}
	got, stats := runProgramStats(t, bin, time.Minute, onLoop)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patched program output (-want +got):\n%s", diff)
	}
	if stats == "" {
		t.Fatal("the patched program printed no loop stats in a minute: the loop never ran")
	}
	if !onLoop(stats) {
		t.Errorf("loop stats %q: want accepted at least 1 and dialed+adopted at least 2", stats)
	}

	// Nothing changed: no file rewritten, no package compiled again (go
	// build -v names the packages it compiles).
	code, _, stderr = runEvshim(t, "build", "-C", app, "-v", "-o", bin, ".")
	if code != 0 {
		t.Fatalf("second evshim build: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, " 0 files rewritten,") {
		t.Errorf("the second build rewrote files:\n%s", stderr)
	}
	for _, line := range strings.Split(stderr, "\n") {
		if line == "example.com/dep/netdep" || line == "golang.org/x/net/proxy" {
			t.Errorf("the second build compiled %s again:\n%s", line, stderr)
		}
	}

	code, stdout, stderr := runEvshim(t, "run", "-C", app, ".")
	if code != 0 || stdout != want {
		t.Errorf("evshim run: exit %d, output %q, want %q\n%s", code, stdout, want, stderr)
	}

	plain := exec.Command("go", "build", "-o", bin, ".")
	plain.Dir = app
	if out, err := plain.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Without the loop no stats line comes; a second is long enough for
	// one to show if the loop ran (the patched build's came every 5 ms).
	never := func(string) bool { return false }
	if got, stats := runProgramStats(t, bin, time.Second, never); got != "listener=net.TCPListener server=net/http.Server conn=net.TCPConn body=hello proxy=net.TCPConn\n" || stats != "" {
		t.Errorf("unpatched program printed %q and loop stats %q, want the standard library's types and no loop", got, stats)
	}
}

// TestBuildSkip leaves the dependency unpatched: its types stay the
// standard library's, and the public module's are patched all the same.
func TestBuildSkip(t *testing.T) {
	app := patchModule(t)
	bin := filepath.Join(t.TempDir(), "app")
	code, _, stderr := runEvshim(t, "build", "-C", app, "-v", "-skip", "example.com/dep/...", "-o", bin, ".")
	if code != 0 {
		t.Fatalf("evshim build: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "evshim: left alone example.com/dep/netdep: -skip example.com/dep/...") {
		t.Errorf("-v does not report the skipped package:\n%s", stderr)
	}
	want := "listener=net.TCPListener server=net/http.Server conn=net.TCPConn body=hello proxy=" + compatPrefix + "net.TCPConn\n"
	if diff := cmp.Diff(want, runProgram(t, bin)); diff != "" {
		t.Errorf("program output (-want +got):\n%s", diff)
	}
}

// TestBuildMismatch checks the message for a patch that cannot compile.
func TestBuildMismatch(t *testing.T) {
	files := map[string]string{
		"app/mismatch/mismatch.go": "package mismatch\n\nimport \"net/http\"\n\n// Serve takes the standard library's server.\nfunc Serve(s *http.Server) {}\n",
		"app/user/user.go":         "package user\n\nimport (\n\t\"net/http\"\n\n\t\"example.com/app/mismatch\"\n)\n\nfunc F() { mismatch.Serve(&http.Server{}) }\n",
	}
	app := patchModule(t)
	testenv.WriteTree(t, filepath.Dir(app), files)
	code, _, stderr := runEvshim(t, "build", "-C", app, "-skip", "./mismatch", "./user")
	if code == 0 {
		t.Fatalf("evshim build succeeded; want a type mismatch")
	}
	for _, want := range []string{
		"evshim: patched package example.com/app/user does not compile: *net/http.Server meets its compat counterpart.",
		"-skip example.com/app/user keeps the build going",
		// The go command's error and the explanation name the original
		// file, at its own line, not the patched copy in the cache.
		filepath.Join(filepath.Dir(app), "app", "user", "user.go") + ":9:",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "-user.go") {
		t.Errorf("stderr names the patched copy of user.go:\n%s", stderr)
	}
}

// TestTestCommand runs a test of the main module with evshim test: its
// own net import is patched (the test passes only on compat/net), and go
// test's flags go through. The plain go test of it fails.
func TestTestCommand(t *testing.T) {
	app := patchModule(t)
	testenv.WriteTree(t, app, map[string]string{"onloop_test.go": `package main

import (
	"net"
	"reflect"
	"testing"
)

func TestOnLoop(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := reflect.TypeOf(l).Elem().PkgPath(); got != "github.com/evshim/evshim/compat/net" {
		t.Fatalf("listener from %s", got)
	}
}
`})
	code, stdout, stderr := runEvshim(t, "test", "-C", app, "-count=1", "-run", "TestOnLoop", "-v", ".")
	if code != 0 || !strings.Contains(stdout, "--- PASS: TestOnLoop") {
		t.Errorf("evshim test: exit %d\n%s%s", code, stdout, stderr)
	}
	plain := exec.Command("go", "test", "-count=1", "-run", "TestOnLoop", ".")
	plain.Dir = app
	if out, err := plain.CombinedOutput(); err == nil || !strings.Contains(string(out), "listener from net") {
		t.Errorf("plain go test: err %v, want the test to fail on the standard library\n%s", err, out)
	}
}

// TestOverlayCommand checks evshim overlay's outputs: the flags it prints
// build the patched program with a plain go command, and -json reports
// the patched files.
func TestOverlayCommand(t *testing.T) {
	app := patchModule(t)
	code, stdout, stderr := runEvshim(t, "overlay", "-C", app, "-flags", ".")
	flags := strings.Fields(stdout)
	if code != 0 || len(flags) != 2 || !strings.HasPrefix(flags[0], "-overlay=") || !strings.HasPrefix(flags[1], "-modfile=") {
		t.Fatalf("evshim overlay -flags: exit %d, output %q, want -overlay and -modfile (x/net is in the module cache)\n%s", code, stdout, stderr)
	}
	bin := filepath.Join(t.TempDir(), "app")
	build := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, ".")...)
	build.Dir = app
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(flags, " "), err, out)
	}
	if got := runProgram(t, bin); !strings.Contains(got, "conn="+compatPrefix+"net.TCPConn") || !strings.Contains(got, "proxy="+compatPrefix+"net.TCPConn") {
		t.Errorf("program built with the printed flags printed %q, want compat types", got)
	}

	code, stdout, stderr = runEvshim(t, "overlay", "-C", app, "-json", ".")
	if code != 0 {
		t.Fatalf("evshim overlay -json: exit %d\n%s", code, stderr)
	}
	var report struct {
		Patched []struct {
			Path  string
			Files []struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("evshim overlay -json: %v\n%s", err, stdout)
	}
	var got []string
	for _, p := range report.Patched {
		for _, f := range p.Files {
			got = append(got, p.Path+" "+filepath.Base(f.Path))
		}
	}
	want := []string{
		"example.com/dep/netdep netdep.go",
		"golang.org/x/net/internal/socks client.go", "golang.org/x/net/internal/socks socks.go",
		"golang.org/x/net/proxy dial.go", "golang.org/x/net/proxy direct.go", "golang.org/x/net/proxy per_host.go",
		"golang.org/x/net/proxy proxy.go", "golang.org/x/net/proxy socks5.go",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patched files (-want +got):\n%s", diff)
	}
}

// TestBuildPublicMismatch builds a public module that cannot take the
// patch as it is: golang.org/x/net/websocket hands its net.Dialer to
// crypto/tls.Dialer, whose NetDialer field is the standard library's. The
// error names the package, the type and the -skip, at the file's path in
// the module cache; with that -skip the build goes on.
func TestBuildPublicMismatch(t *testing.T) {
	app := patchModule(t)
	testenv.WriteTree(t, app, map[string]string{"ws/ws.go": "package ws\n\nimport \"golang.org/x/net/websocket\"\n\nvar Dial = websocket.Dial\n"})
	code, _, stderr := runEvshim(t, "build", "-C", app, "./ws")
	if code == 0 {
		t.Fatalf("evshim build succeeded; want x/net/websocket's *net.Dialer mismatch")
	}
	for _, want := range []string{
		"evshim: patched package golang.org/x/net/websocket does not compile: *net.Dialer meets its compat counterpart.",
		"-skip golang.org/x/net/websocket keeps the build going",
		string(filepath.Separator) + filepath.Join("golang.org", "x", "net@"),
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if code, _, stderr := runEvshim(t, "build", "-C", app, "-skip", "golang.org/x/net/websocket", "./ws"); code != 0 {
		t.Errorf("with -skip golang.org/x/net/websocket: exit %d\n%s", code, stderr)
	}
}

func TestBuildRequiresEvshim(t *testing.T) {
	app := patchModule(t)
	if err := os.Remove(filepath.Join(app, "evshim.go")); err != nil {
		t.Fatal(err)
	}
	testenv.Tidy(t, app)
	code, _, stderr := runEvshim(t, "build", "-C", app, ".")
	if code != 2 || !strings.Contains(stderr, "go get github.com/evshim/evshim/compat/net@") {
		t.Errorf("exit %d, want 2 and the go get command:\n%s", code, stderr)
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		cmd  string
		args []string
		want patchArgs
	}{
		{cmd: "build", args: []string{"-skip", "a/...", "-tags=x", "-o", "bin", "-race", "-skip=b", "./..."},
			want: patchArgs{skip: []string{"a/...", "b"}, listFlags: []string{"-tags=x", "-race"}, goFlags: []string{"-tags=x", "-o=bin", "-race"}, patterns: []string{"./..."}}},
		{cmd: "test", args: []string{"-v", "-run", "X", "./p", "-count=1", "-test.skip", "Y", "-args", "-x"},
			want: patchArgs{verbose: true, goFlags: []string{"-v", "-run=X"}, patterns: []string{"./p"}, after: []string{"-count=1", "-test.skip=Y", "-args", "-x"}}},
		{cmd: "run", args: []string{"-mod=mod", "./cmd/server", "-addr", ":80", "extra"},
			want: patchArgs{listFlags: []string{"-mod=mod"}, goFlags: []string{"-mod=mod"}, patterns: []string{"./cmd/server"}, after: []string{"-addr", ":80", "extra"}}},
		{cmd: "run", args: []string{"a.go", "b.go", "arg.go.txt"},
			want: patchArgs{patterns: []string{"a.go", "b.go"}, after: []string{"arg.go.txt"}}},
	}
	for _, tt := range tests {
		got, err := splitArgs(tt.cmd, tt.args)
		if err != nil {
			t.Errorf("%s %q: %v", tt.cmd, tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(patchArgs{})); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tt.cmd, tt.args, diff)
		}
	}
	if _, err := splitArgs("build", []string{"-overlay", "x.json", "."}); err == nil {
		t.Error("-overlay accepted; want an error that says evshim makes the overlay")
	}
}

// patchModule writes patchFixture into a temporary directory, with the
// app requiring evshim from this checkout, and returns the app's
// directory; the go commands it runs stay inside it.
func patchModule(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return testenv.AppModule(t, repo, patchFixture, true)
}

// runProgram runs bin with no proxy configured and its standard input
// empty, and returns its standard output.
func runProgram(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = programEnv()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", bin, err, out.String(), errOut.String())
	}
	return out.String()
}

// programEnv is the programs' environment: no proxy, and the loop's stats
// line every 5 ms.
func programEnv() []string {
	return append(os.Environ(), "ALL_PROXY=", "all_proxy=", "NO_PROXY=", "no_proxy=", "EVSHIM_STATS=5ms")
}

// runProgramStats is runProgram that also returns the last loop stats
// line that the program printed on standard error ("" when the loop never
// ran). With WAIT_STDIN set, the program runs until its standard input
// closes, which happens once a stats line satisfies done, or after wait.
// A loaded machine then makes the test slower, not wrong: the stats line
// comes from a timer, which a busy machine may run late.
func runProgramStats(t *testing.T, bin string, wait time.Duration, done func(stats string) bool) (stdout, stats string) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(programEnv(), "WAIT_STDIN=1")
	var out bytes.Buffer
	var errOut strings.Builder
	cmd.Stdout = &out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	closed := false
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			errOut.WriteString(l + "\n")
			if strings.HasPrefix(l, "evshim: stats ") {
				stats = l
				if !closed && done(stats) {
					stdin.Close()
					closed = true
				}
			}
		case <-timeout.C:
			if !closed {
				stdin.Close()
				closed = true
			}
		}
	}
	if !closed {
		stdin.Close()
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s: %v\n%s%s", bin, err, out.String(), errOut.String())
	}
	return out.String(), stats
}

// statsValue returns the value of key in a stats line.
func statsValue(t *testing.T, stats, key string) int {
	t.Helper()
	for _, f := range strings.Fields(stats) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("stats %q: %s: %v", stats, key, err)
			}
			return n
		}
	}
	t.Fatalf("stats %q has no %s", stats, key)
	return 0
}
