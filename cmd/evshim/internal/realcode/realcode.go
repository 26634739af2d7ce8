// Package realcode runs public Go modules' own test suites on the standard
// library and with their imports swapped for evshim's compat packages by
// "evshim rewrite", and counts what passes in each run. It is evshim's
// check that the swap keeps a project's tests passing (issue 12).
//
// The runs download modules, so the suite is not part of the ordinary
// tests: TestRealCode runs only with EVSHIM_REALCODE=1 (see
// docs/migrate-from-stdlib.md).
package realcode

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Module is one module of the suite, pinned to a version.
type Module struct {
	Path, Version string
	// Uses says which mirrored packages its code and tests use, and why it
	// is in the suite.
	Uses string
	// SkipTests, if set, is a go test -skip pattern (passed as -test.skip, which
	// go test and evshim test both take) for the module's tests that fail
	// at random on the standard library too: in every run they would be
	// counted as failing only with the swap or the patch by chance. The
	// entry's comment says why each is skipped.
	SkipTests string
	// SkipPatch lists the packages "evshim test" leaves unpatched (its -skip
	// patterns), as a user of the module would have to: only packages
	// whose patched copy cannot compile because a compat value meets a
	// standard library type in the standard library itself, which no
	// other -skip resolves (docs/migrate-from-gevent.md, "When a patched
	// package does not compile"). SkipPatchWhy says which.
	SkipPatch    []string
	SkipPatchWhy string
	// Flakes are package failures of the module's own that show on the
	// standard library too; one in a swap or patch run is logged, not
	// counted as a divergence.
	Flakes []Flake
}

// Flake is a package failure without a failing test that a module's own
// TestMain produces at random, on the standard library as with evshim.
type Flake struct {
	Package string // the package's import path
	Marker  string // text of the failure's output
	Why     string
}

// Matches reports whether the failure of the package pkg, with output
// out, is the flake: the package and the marker match, and the output
// shows no frame of evshim's (a goroutine dump that holds one is evshim's
// to answer for, whatever else it says).
func (f Flake) Matches(pkg, out string) bool {
	return pkg == f.Package && strings.Contains(out, f.Marker) && !strings.Contains(out, "github.com/evshim/evshim/")
}

// Modules is the suite: modules whose packages or tests use net, net/http
// (with net/http/httptest) or os/signal, and whose tests run offline on
// loopback.
var Modules = []Module{
	{Path: "github.com/go-chi/chi/v5", Version: "v5.1.0", Uses: "router and middleware over net/http; tests use httptest servers and recorders"},
	{Path: "github.com/gorilla/mux", Version: "v1.8.1", Uses: "router over net/http; tests use recorders and ServerContextKey-free handlers"},
	{Path: "github.com/julienschmidt/httprouter", Version: "v1.3.0", Uses: "router over net/http; tests use recorders and a file server"},
	{Path: "github.com/gorilla/websocket", Version: "v1.5.3", Uses: "net dialing and net/http hijacking; tests run httptest servers, TLS included, and raw net conns"},
	{Path: "github.com/gorilla/handlers", Version: "v1.5.2", Uses: "net/http middleware (logging, proxy headers, compression, CORS); tests use recorders and httptest servers"},
	{Path: "github.com/oklog/run", Version: "v1.2.0", Uses: "os/signal (SignalHandler) and a net listener actor"},
	{Path: "github.com/rs/cors", Version: "v1.11.1", Uses: "net/http CORS middleware reading request headers and writing response headers, preflight included; tests and benchmarks use recorders and httptest requests"},
	{Path: "github.com/prometheus/client_golang", Version: "v1.25.0", Uses: "promhttp wraps ResponseWriters keeping Flusher, Hijacker, CloseNotifier, ReaderFrom and Pusher, instruments Transports, and serves metrics with gzip; api and push are net/http clients; graphite dials net; tests use httptest servers and recorders"},
	// TestMITMRequestCancel checks that the proxy canceled the MITM
	// request's context right after its client read the response, but the
	// proxy cancels it only after writing the response: it failed 18 to 25
	// times in 100 on the standard library (go1.26.8, -race and not).
	// TestSimpleHttpRequest fails in every run: it dials example.com
	// through the proxy, and there is no network here.
	{Path: "github.com/elazarl/goproxy", Version: "v1.9.4", SkipTests: "^TestMITMRequestCancel$", Uses: "an HTTP proxy over net/http: hijacks CONNECT requests, MITMs TLS on the hijacked conn, tunnels websockets and raw net conns, and dials with net; tests run httptest servers, TLS included, proxied through it"},
	{Path: "github.com/labstack/echo/v4", Version: "v4.16.5", Uses: "framework over net/http: its own net.Listen, TLS and auto-TLS servers, Hijack through http.NewResponseController, httputil's reverse proxy middleware; tests use recorders and httptest servers, and start and shut down real servers on :0",
		SkipPatch: []string{"golang.org/x/net/websocket"}, SkipPatchWhy: "the proxy middleware's tests import golang.org/x/net/websocket, whose dialer hands its *net.Dialer to crypto/tls's Dialer.NetDialer, a standard library *net.Dialer"},
	{Path: "github.com/gin-gonic/gin", Version: "v1.12.0", Uses: "framework over net/http: Run, RunTLS, RunUnix (a unix-socket net.Listen), RunFd (net.FileListener) and RunListener servers, Hijack, httputil.DumpRequest in recovery; tests use recorders and httptest servers, and serve with Run on the fixed port :8080 and dial it at localhost"},
	{Path: "github.com/coder/websocket", Version: "v1.8.15", Uses: "WebSocket over net/http: Accept hijacks the server's connection (http.Hijacker), Dial writes and reads the upgraded connection through a client response's body, NetConn wraps a WebSocket as a net.Conn; tests run httptest servers (dials, redirects, a hijacking forward proxy) and pipes of net.Pipe behind an httptest recorder; TestMain requires exactly one goroutine left after the tests, with no wait",
		Flakes: []Flake{{Package: "github.com/coder/websocket", Marker: "goroutine leak detected, expected 1 but got",
			Why: "TestMain counts goroutines the moment the tests return, while a goroutine of internal/xsync.Go that has sent its result may not have exited yet; seen only with -race, on the standard library (3 of 8 runs) as with the swap (4 of 12) and the patch (1 of 4)"}}},
}

// Counts is what one go test run of a module reported.
type Counts struct {
	Passed, Failed, Skipped int
	// FailedTests are the failing tests, "pkg TestName[/sub]".
	FailedTests []string
	// FailedPackages are packages that failed without a failing test: a
	// build or vet error, a panic outside a test, a leak check in TestMain.
	FailedPackages []string
	// Output holds the output of every failing test and package, by the
	// names above, to find the cause.
	Output map[string]string
}

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail: "pkg" or "pkg [pkg.test]"
	Test       string
	Output     string
}

// Count reads the output of go test -json. A test counts once per
// (sub)test that reports pass, fail or skip; lines that are not JSON (the
// go command's own errors) are kept as the output of the package "-".
func Count(r io.Reader) (Counts, error) {
	c := Counts{Output: map[string]string{}}
	out := map[string]*strings.Builder{}
	add := func(key, s string) {
		b := out[key]
		if b == nil {
			b = new(strings.Builder)
			out[key] = b
		}
		b.WriteString(s)
	}
	failedTestIn := map[string]bool{}
	var pkgFails []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			add("-", string(line)+"\n")
			continue
		}
		if e.Package == "" {
			e.Package, _, _ = strings.Cut(e.ImportPath, " ")
		}
		key := e.Package
		if e.Test != "" {
			key += " " + e.Test
		}
		switch e.Action {
		case "output", "build-output":
			add(key, e.Output)
		case "pass":
			if e.Test != "" {
				c.Passed++
			}
		case "skip":
			if e.Test != "" {
				c.Skipped++
			}
		case "fail":
			// A build failure (build-fail) is followed by its
			// package's fail, counted here.
			if e.Test != "" {
				c.Failed++
				c.FailedTests = append(c.FailedTests, key)
				failedTestIn[e.Package] = true
			} else {
				pkgFails = append(pkgFails, e.Package)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	for _, p := range pkgFails {
		if !failedTestIn[p] {
			c.FailedPackages = append(c.FailedPackages, p)
		}
	}
	if b := out["-"]; b != nil && b.Len() > 0 && len(c.FailedPackages) == 0 && c.Passed+c.Failed == 0 {
		c.FailedPackages = append(c.FailedPackages, "-")
	}
	for _, k := range append(append([]string{"-"}, c.FailedTests...), c.FailedPackages...) {
		if b := out[k]; b != nil {
			c.Output[k] = b.String()
		}
	}
	sort.Strings(c.FailedTests)
	sort.Strings(c.FailedPackages)
	return c, nil
}

// Env is the environment the suite runs the go command in: the
// developer's workspace and GOFLAGS stay out of the modules' builds.
func Env() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
}

// Go runs the go command in dir and returns its combined output.
func Go(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return out, nil
}

// Download fetches m into the module cache and returns its directory.
func Download(m Module) (string, error) {
	out, err := Go(os.TempDir(), "mod", "download", "-json", m.Path+"@"+m.Version)
	if err != nil {
		return "", err
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v", m.Path, m.Version, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", m.Path, m.Version, info.Error)
	}
	return info.Dir, nil
}

// CopyTree copies the module source at src into dst, writable (the module
// cache's copy is read-only).
func CopyTree(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// RequireEvshim makes the module in dir require evshim from the checkout
// at repo, and tidies go.mod and go.sum.
func RequireEvshim(dir, repo string) error {
	if _, err := Go(dir, "mod", "edit", "-require=github.com/evshim/evshim@v0.0.0", "-replace=github.com/evshim/evshim="+repo); err != nil {
		return err
	}
	_, err := Go(dir, "mod", "tidy")
	return err
}

// RequirePatch makes the module in dir require evshim from the checkout at
// repo without touching its sources, as a user of "evshim test" does. A
// user's go get of the compat packages adds the requirement and its
// go.sum entries; here, with no published version to get, a package of
// blank imports held in dir while go mod tidy runs does the same, and is
// removed again.
func RequirePatch(dir, repo string) error {
	if _, err := Go(dir, "mod", "edit", "-require=github.com/evshim/evshim@v0.0.0", "-replace=github.com/evshim/evshim="+repo); err != nil {
		return err
	}
	hold := filepath.Join(dir, "evshim_requirement")
	if err := os.MkdirAll(hold, 0o755); err != nil {
		return err
	}
	src := "package evshim_requirement\n\nimport (\n"
	for _, p := range []string{"net", "http", "http/httptest", "signal"} {
		src += "\t_ \"github.com/evshim/evshim/compat/" + p + "\"\n"
	}
	src += ")\n"
	if err := os.WriteFile(filepath.Join(hold, "requirement.go"), []byte(src), 0o644); err != nil {
		return err
	}
	_, err := Go(dir, "mod", "tidy")
	if rerr := os.RemoveAll(hold); err == nil {
		err = rerr
	}
	return err
}

// GoLine returns the go directive of the go.mod in dir.
func GoLine(dir string) (string, error) {
	out, err := Go(dir, "mod", "edit", "-json")
	if err != nil {
		return "", err
	}
	var mod struct{ Go string }
	if err := json.Unmarshal(out, &mod); err != nil {
		return "", err
	}
	return mod.Go, nil
}

// SkipArgs returns the go test flags that skip m.SkipTests, if any.
func (m Module) SkipArgs() []string {
	if m.SkipTests == "" {
		return nil
	}
	return []string{"-test.skip=" + m.SkipTests}
}

// Test runs the module's tests in dir (with -race if race) and counts
// them. A non-zero exit of go test is not an error: the counts say what
// failed.
func Test(dir string, race bool, extra ...string) (Counts, error) {
	return TestWith("go", dir, race, extra...)
}

// TestWith is Test with the program at prog in the go command's place:
// "go", or an evshim binary, whose test command patches the build.
func TestWith(prog, dir string, race bool, extra ...string) (Counts, error) {
	args := []string{"test", "-json", "-count=1", "-timeout=10m"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, extra...)
	args = append(args, "./...")
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = Env()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	runErr := cmd.Run()
	c, err := Count(&out)
	if err != nil {
		return c, err
	}
	if _, ok := runErr.(*exec.ExitError); runErr != nil && !ok {
		return c, runErr
	}
	return c, nil
}

// Swap is what "evshim rewrite" changed in a module.
type Swap struct {
	Files    int      // files whose imports were swapped
	Packages []string // standard library packages swapped, sorted
	Skipped  []string // files left alone, with the reason
}

// Rewrite runs "evshim rewrite -w -json ./..." (the command at bin) in dir.
func Rewrite(bin, dir string) (Swap, error) {
	cmd := exec.Command(bin, "rewrite", "-w", "-json", "./...")
	cmd.Dir = dir
	cmd.Env = Env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Swap{}, fmt.Errorf("evshim rewrite -w -json ./...: %w\n%s", err, stderr.Bytes())
	}
	var report struct {
		Files []struct {
			Path    string
			Skipped string
			Changes []struct{ From string }
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return Swap{}, fmt.Errorf("evshim rewrite -json: %v", err)
	}
	var s Swap
	seen := map[string]bool{}
	for _, f := range report.Files {
		if f.Skipped != "" {
			s.Skipped = append(s.Skipped, f.Path+": "+f.Skipped)
			continue
		}
		if len(f.Changes) > 0 {
			s.Files++
		}
		for _, c := range f.Changes {
			if !seen[c.From] {
				seen[c.From] = true
				s.Packages = append(s.Packages, c.From)
			}
		}
	}
	sort.Strings(s.Packages)
	return s, nil
}
