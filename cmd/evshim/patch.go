package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/evshim/evshim/cmd/evshim/internal/overlay"
)

var (
	buildCommand   = &command{name: "build", short: "go build with every dependency patched onto the loop (gevent's patch_all)", run: patchRunner("build")}
	testCommand    = &command{name: "test", short: "go test with every dependency patched onto the loop", run: patchRunner("test")}
	runCommand     = &command{name: "run", short: "go run with every dependency patched onto the loop", run: patchRunner("run")}
	overlayCommand = &command{name: "overlay", short: "print the path of a go -overlay file that patches a build", run: runOverlay}
)

const patchHelp = `usage: evshim %[1]s [-skip pattern]... [-v] [go %[1]s flags] [packages]%[2]s

%[3]s runs "go %[1]s" on a patched build, as gevent's monkey.patch_all()
patches a Python process: every package in the build graph outside the standard
library that imports net, net/http or os/signal (or net/http/httptest, when
the compat module in the build has github.com/evshim/evshim/compat/http/httptest)
is compiled with those imports swapped for evshim's compat packages,
dependencies from the module cache included. The copies live in a cache
keyed by content ($EVSHIM_CACHE, default evshim/overlay under the user
cache directory) and reach the compiler through "go %[1]s -overlay": the
source tree and the module cache are never written, and a second build of
unchanged sources rewrites nothing and hits the go build cache.

Every flag that is not evshim's, and every argument, goes to "go %[1]s"
as given. The module must require github.com/evshim/evshim; if it does not,
%[1]s says which go get command adds it.

  -skip pattern  leave the packages that match unpatched (go list patterns:
                 "example.com/dep/...", "./internal/..."); repeatable.
                 evshim's own packages are never patched.%[4]s
  -v             list what was patched and why, what was left alone, and the
                 standard library packages that connect by themselves, off
                 the loop; -v also goes to the go command

When a patched package does not compile because a standard library value
meets its compat type (a dependency's API typed on *net/http.Server, say),
%[1]s names the package and the type and the -skip that keeps the build
going. Exit status: the go command's, or 2 when evshim itself fails.

Examples:

	evshim %[1]s -v ./...%[5]s
`

var patchHelpArgs = map[string][4]string{
	"build": {"", "Build", "", "\n\tevshim build -skip example.com/legacy/... -o server ./cmd/server"},
	"test": {"", "Test", `
                 go test's own -skip is written -test.skip.`, "\n\tevshim test -race -count=1 ./...   # the same tests, on the loop"},
	"run": {" [arguments...]", "Run", "", "\n\tevshim run ./cmd/server -addr :8080"},
}

func patchRunner(goCmd string) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		h := patchHelpArgs[goCmd]
		a, err := splitArgs(goCmd, args)
		if errors.Is(err, errHelp) {
			fmt.Fprintf(stderr, patchHelp, goCmd, h[0], h[1], h[2], h[3])
			return 0
		}
		if err != nil {
			fmt.Fprintf(stderr, "evshim %s: %v\n", goCmd, err)
			return 2
		}
		res, code := loadOverlay(goCmd, a, goCmd == "test", stderr)
		if res == nil {
			return code
		}
		goArgs := []string{goCmd, "-overlay=" + res.File}
		goArgs = append(goArgs, a.goFlags...)
		if res.Modfile != "" {
			// After the user's own -modfile, which it copies: the last
			// one counts.
			goArgs = append(goArgs, "-modfile="+res.Modfile)
		}
		goArgs = append(goArgs, a.patterns...)
		goArgs = append(goArgs, a.after...)
		cmd := exec.Command("go", goArgs...)
		cmd.Dir = a.dir
		cmd.Stdin = os.Stdin
		// The go command's output goes through as it comes; a copy of its
		// head is kept to explain a patch that does not compile.
		out := &headBuffer{max: 1 << 20}
		cmd.Stdout = io.MultiWriter(stdout, out)
		cmd.Stderr = io.MultiWriter(stderr, out)
		var closers []io.Closer
		if goCmd != "run" {
			// Compile errors in a patched file name the original, not the
			// copy. Not for run: the program's own output shares the go
			// command's, and must not wait for a newline.
			o1, o2 := res.Originals(stdout), res.Originals(stderr)
			closers = append(closers, o1, o2)
			cmd.Stdout, cmd.Stderr = io.MultiWriter(o1, out), io.MultiWriter(o2, out)
		}
		err = cmd.Run()
		for _, c := range closers {
			c.Close()
		}
		if err == nil {
			return 0
		}
		for _, m := range res.Diagnose(out.String()) {
			fmt.Fprint(stderr, m.String())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintf(stderr, "evshim %s: %v\n", goCmd, err)
		return 2
	}
}

const overlayHelp = `usage: evshim overlay [-skip pattern]... [-v] [-json | -flags] [build flags] [packages]

Overlay patches the build of packages (default ".") as "evshim build" does
and prints the path of the overlay file, for the go command's own -overlay:

	go build -overlay=$(evshim overlay ./...) ./...

The go command refuses to overlay files of the module cache, so a patched
package from there is built from a patched copy of its module, which a
go.mod passed with -modfile points at. -flags prints both flags, for:

	go test $(evshim overlay -flags ./...) ./...

The overlay covers the test files of the named packages too. -skip and -v
are as for "evshim build" (-v reports on standard error); -json prints the
whole report (patched files and their changed imports, packages left
alone, the standard library packages off the loop, cache use) instead of
the path. The file's name is the hash of its content: it changes only when
the patch does.

Flags:
  -skip pattern  leave matching packages unpatched (repeatable)
  -v             report what was patched on standard error
  -json          print the report as JSON
  -flags         print "-overlay=FILE" and, when needed, "-modfile=FILE"
`

func runOverlay(args []string, stdout, stderr io.Writer) int {
	asJSON, asFlags := false, false
	var rest []string
	for _, a := range args {
		if a == "-json" || a == "--json" {
			asJSON = true
			continue
		}
		if a == "-flags" || a == "--flags" {
			asFlags = true
			continue
		}
		rest = append(rest, a)
	}
	a, err := splitArgs("build", rest)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stderr, overlayHelp)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim overlay: %v\n", err)
		return 2
	}
	res, code := loadOverlay("overlay", a, true, stderr)
	if res == nil {
		return code
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "\t")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "evshim overlay: %v\n", err)
			return 2
		}
		return 0
	}
	if asFlags {
		fmt.Fprintf(stdout, "-overlay=%s", res.File)
		if res.Modfile != "" {
			fmt.Fprintf(stdout, " -modfile=%s", res.Modfile)
		}
		fmt.Fprintln(stdout)
		return 0
	}
	fmt.Fprintln(stdout, res.File)
	if res.Modfile != "" {
		fmt.Fprintf(stderr, "evshim overlay: patched packages of the module cache need -modfile=%s as well (-flags prints both flags)\n", res.Modfile)
	}
	return 0
}

// loadOverlay patches the build that a describes and reports on stderr as
// -v asks. It returns nil and the exit status when it fails.
func loadOverlay(name string, a *patchArgs, tests bool, stderr io.Writer) (*overlay.Result, int) {
	patterns := a.patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	res, err := overlay.Load(overlay.Options{Dir: a.dir, Flags: a.listFlags, Patterns: patterns, Tests: tests, Skip: a.skip})
	if err != nil {
		if res != nil && a.verbose {
			report(stderr, res, true)
		}
		fmt.Fprintf(stderr, "evshim %s: %v\n", name, err)
		return nil, 2
	}
	report(stderr, res, a.verbose)
	return res, 0
}

// report prints what was patched, left alone and off the loop; without
// verbose, only a one-line pointer when something stays off the loop.
func report(w io.Writer, res *overlay.Result, verbose bool) {
	if !verbose {
		if n := len(res.OffLoop); n > 0 {
			fmt.Fprintf(w, "evshim: %d standard library package(s) in the build connect by themselves, off the loop (-v lists them)\n", n)
		}
		return
	}
	for _, p := range res.Patched {
		var files []string
		for _, f := range p.Files {
			files = append(files, displayPath(f.Path))
		}
		fmt.Fprintf(w, "evshim: patched %s (%s): %s\n", p.Path, p.Why, strings.Join(files, " "))
	}
	for _, l := range res.Left {
		if l.File != "" {
			fmt.Fprintf(w, "evshim: left alone %s: %s: %s\n", l.Path, displayPath(l.File), l.Reason)
		} else {
			fmt.Fprintf(w, "evshim: left alone %s: %s\n", l.Path, l.Reason)
		}
	}
	for _, o := range res.OffLoop {
		fmt.Fprintf(w, "evshim: off the loop: %s (imported by %s): %s\n", o.Pkg, strings.Join(o.Via, ", "), o.What)
	}
	fmt.Fprintf(w, "evshim: %d packages in the build, %d patched; %d files rewritten, %d from the cache; overlay %s\n",
		res.Packages, len(res.Patched), res.Rewritten, res.Reused, res.File)
}

// patchArgs is a command line of build, test or run, split between evshim
// and the go command.
type patchArgs struct {
	skip      []string // -skip patterns
	verbose   bool     // -v
	dir       string   // -C, applied as the go commands' working directory
	listFlags []string // build flags that shape the build graph, for go list
	goFlags   []string // every go command flag, in order
	patterns  []string // packages (or, for run, .go files)
	after     []string // go test: flags after the packages and -args; go run: the program's arguments
}

var errHelp = errors.New("help requested")

// goValueFlags are the go command's flags that take a value (go help
// build, go help testflag); a flag not listed is boolean.
var goValueFlags = map[string]bool{
	"C": true, "p": true, "asmflags": true, "buildmode": true, "compiler": true, "gccgoflags": true,
	"gcflags": true, "installsuffix": true, "ldflags": true, "mod": true, "modfile": true, "overlay": true,
	"pgo": true, "pkgdir": true, "tags": true, "toolexec": true, "covermode": true, "coverpkg": true,
	"o": true, "exec": true, "vet": true,
	// go test and the test binary
	"run": true, "bench": true, "benchtime": true, "count": true, "cpu": true, "parallel": true,
	"timeout": true, "coverprofile": true, "cpuprofile": true, "memprofile": true, "memprofilerate": true,
	"blockprofile": true, "blockprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true,
	"outputdir": true, "trace": true, "fuzz": true, "fuzztime": true, "fuzzminimizetime": true,
	"list": true, "shuffle": true, "test.skip": true,
}

// graphFlags are the build flags that change which packages and files
// the build has, so go list must see them too.
var graphFlags = map[string]bool{
	"tags": true, "mod": true, "modfile": true, "race": true, "msan": true, "asan": true,
	"cover": true, "covermode": true, "coverpkg": true, "buildmode": true, "compiler": true,
}

// splitArgs splits a build, test or run command line. evshim's -skip and
// -v are read wherever a flag may stand; go test's own -skip is written
// -test.skip.
func splitArgs(goCmd string, args []string) (*patchArgs, error) {
	a := &patchArgs{}
	inPackages := false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if goCmd == "test" && arg == "-args" {
			a.after = append(a.after, args[i:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			// go run takes one package or a list of .go files; what
			// follows is the program's.
			if goCmd == "run" && len(a.patterns) > 0 && (!strings.HasSuffix(arg, ".go") || !strings.HasSuffix(a.patterns[0], ".go")) {
				a.after = append(a.after, args[i:]...)
				break
			}
			inPackages = true
			a.patterns = append(a.patterns, arg)
			continue
		}
		if inPackages && goCmd != "test" {
			if goCmd == "run" {
				a.after = append(a.after, args[i:]...)
				break
			}
			return nil, fmt.Errorf("flag %s after the packages: put flags first", arg)
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue && goValueFlags[name] && name != "skip" {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag -%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "h", "help":
			return nil, errHelp
		case "skip":
			if !hasValue {
				if i+1 >= len(args) {
					return nil, errors.New("-skip needs a package pattern")
				}
				i++
				value = args[i]
			}
			a.skip = append(a.skip, value)
			continue
		case "v":
			a.verbose = value != "false"
		case "C":
			a.dir = value
			continue
		case "overlay":
			return nil, errors.New("-overlay: evshim makes the overlay; to combine it with your own, use \"evshim overlay\" and merge the two files' Replace maps")
		}
		flag := "-" + name
		if hasValue || goValueFlags[name] {
			flag += "=" + value
		}
		if inPackages {
			a.after = append(a.after, flag)
			continue
		}
		a.goFlags = append(a.goFlags, flag)
		if graphFlags[name] {
			a.listFlags = append(a.listFlags, flag)
		}
	}
	if a.dir != "" && !filepath.IsAbs(a.dir) {
		if wd, err := os.Getwd(); err == nil {
			a.dir = filepath.Join(wd, a.dir)
		}
	}
	return a, nil
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	bytes.Buffer
	max int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
