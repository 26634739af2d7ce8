package realcode

import (
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

// run names one configuration of a module's test run.
type run struct {
	name  string // "std", "std -race", "swap", "swap -race", "patch", "patch -race"
	swap  bool   // imports swapped by evshim rewrite
	patch bool   // sources untouched, run by evshim test
	race  bool
	count Counts
}

// TestRealCode copies each module of the suite three times: one stays as
// it is, one gets its imports swapped by "evshim rewrite -w ./..." and
// requires this checkout, and one only requires it, its sources untouched,
// and is run by "evshim test" (issue 15's build-time patch; with the
// module's SkipPatch as -skip flags, named in the table). It runs each
// copy's tests with and without -race, and fails when a test or package
// fails only with the swap or the patch (a package failure that matches
// one of the module's Flakes is logged instead), or when the swap raises
// the module's go line above 1.22. The results table goes to the test log and,
// with EVSHIM_REALCODE_REPORT=file, to that file.
//
// It downloads modules: run it with EVSHIM_REALCODE=1 (see
// docs/migrate-from-stdlib.md).
func TestRealCode(t *testing.T) {
	if os.Getenv("EVSHIM_REALCODE") != "1" {
		t.Skip("downloads public modules and runs their tests; set EVSHIM_REALCODE=1 to run")
	}
	repo, err := filepath.Abs(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "evshim")
	if _, err := Go(filepath.Join(repo, "cmd", "evshim"), "build", "-o", bin, "."); err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("EVSHIM_REALCODE_ONLY") // a module path, to run one

	var table []string
	for _, m := range Modules {
		if only != "" && m.Path != only {
			continue
		}
		t.Run("module="+m.Path, func(t *testing.T) {
			src, err := Download(m)
			if err != nil {
				t.Fatal(err)
			}
			stdDir, swapDir, patchDir := filepath.Join(t.TempDir(), "std"), filepath.Join(t.TempDir(), "swap"), filepath.Join(t.TempDir(), "patch")
			for _, d := range []string{stdDir, swapDir, patchDir} {
				if err := CopyTree(d, src); err != nil {
					t.Fatal(err)
				}
			}
			origGo, err := GoLine(stdDir)
			if err != nil {
				t.Fatal(err)
			}
			swap, err := Rewrite(bin, swapDir)
			if err != nil {
				t.Fatal(err)
			}
			if swap.Files == 0 {
				t.Fatal("evshim rewrite swapped no import")
			}
			t.Logf("swapped %d files (%s); left alone: %q", swap.Files, strings.Join(swap.Packages, ", "), swap.Skipped)
			if err := RequireEvshim(swapDir, repo); err != nil {
				t.Fatal(err)
			}
			swapGo, err := GoLine(swapDir)
			if err != nil {
				t.Fatal(err)
			}
			if limit := maxGo(origGo, "1.22"); version.Compare("go"+swapGo, "go"+limit) > 0 {
				t.Errorf("the swap raised the go line from %s to %s (limit %s)", origGo, swapGo, limit)
			}

			// "evshim test" patches the unmodified sources at build time;
			// the module only requires evshim.
			if err := RequirePatch(patchDir, repo); err != nil {
				t.Fatal(err)
			}

			if len(m.SkipPatch) > 0 {
				t.Logf("evshim test -skip %s: %s", strings.Join(m.SkipPatch, " -skip "), m.SkipPatchWhy)
			}

			runs := []*run{{name: "std"}, {name: "std -race", race: true}, {name: "swap", swap: true}, {name: "swap -race", swap: true, race: true},
				{name: "patch", patch: true}, {name: "patch -race", patch: true, race: true}}
			for _, r := range runs {
				dir, prog := stdDir, "go"
				switch {
				case r.swap:
					dir = swapDir
				case r.patch:
					dir, prog = patchDir, bin
				}
				extra := m.SkipArgs()
				if r.patch {
					for _, p := range m.SkipPatch {
						extra = append(extra, "-skip", p)
					}
				}
				r.count, err = TestWith(prog, dir, r.race, extra...)
				if err != nil {
					t.Fatalf("%s: %v", r.name, err)
				}
				t.Logf("%s: %d passed, %d failed, %d skipped; failed tests %q, packages %q", r.name, r.count.Passed, r.count.Failed, r.count.Skipped, r.count.FailedTests, r.count.FailedPackages)
			}
			for i, r := range runs[2:] {
				base := runs[i%2] // std or std -race
				what := "the swap"
				if r.patch {
					what = "evshim test"
				}
			next:
				for _, f := range onlyIn(r.count, base.count) {
					for _, fl := range m.Flakes {
						if fl.Matches(f, r.count.Output[f]) {
							t.Logf("%s: %s failed as the module's own flake (%s):\n%s", r.name, f, fl.Why, clip(r.count.Output[f], 2000))
							continue next
						}
					}
					t.Errorf("%s: %s fails only with %s:\n%s", r.name, f, what, clip(r.count.Output[f], 4000))
				}
				if r.count.Passed < base.count.Passed {
					t.Errorf("%s: %d tests passed, %d on the standard library", r.name, r.count.Passed, base.count.Passed)
				}
			}
			name := "`" + m.Path + "@" + m.Version + "`"
			for _, p := range m.SkipPatch {
				name += " (patch: `-skip " + p + "`)"
			}
			cells := []string{name, fmt.Sprintf("%d (%s)", swap.Files, strings.Join(swap.Packages, ", ")), origGo + " → " + swapGo}
			for _, r := range runs {
				cells = append(cells, summary(r.count))
			}
			table = append(table, "| "+strings.Join(cells, " | ")+" |")
		})
	}
	report := "| module | files swapped | go line | std | std -race | swap | swap -race | patch | patch -race |\n|---|---|---|---|---|---|---|---|---|\n" + strings.Join(table, "\n") + "\n"
	t.Logf("results (passed/failed/skipped tests; failed packages):\n%s", report)
	if path := os.Getenv("EVSHIM_REALCODE_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// maxGo returns the later of two go versions ("1.22", "1.20.1").
func maxGo(a, b string) string {
	if version.Compare("go"+a, "go"+b) >= 0 {
		return a
	}
	return b
}

// onlyIn lists the tests and packages that failed in c but not in base.
func onlyIn(c, base Counts) []string {
	failed := map[string]bool{}
	for _, f := range append(append([]string(nil), base.FailedTests...), base.FailedPackages...) {
		failed[f] = true
	}
	var out []string
	for _, f := range append(append([]string(nil), c.FailedTests...), c.FailedPackages...) {
		if !failed[f] {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func summary(c Counts) string {
	s := fmt.Sprintf("%d/%d/%d", c.Passed, c.Failed, c.Skipped)
	if len(c.FailedPackages) > 0 {
		s += "; " + strings.Join(c.FailedPackages, ", ")
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// TestCount checks the go test -json reading on a recorded stream.
func TestCount(t *testing.T) {
	stream := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"run","Package":"p","Test":"TestB/x"}
{"Action":"output","Package":"p","Test":"TestB/x","Output":"    b_test.go:9: boom\n"}
{"Action":"fail","Package":"p","Test":"TestB/x"}
{"Action":"fail","Package":"p","Test":"TestB"}
{"Action":"skip","Package":"p","Test":"TestC"}
{"Action":"fail","Package":"p"}
{"Action":"build-output","ImportPath":"q","Output":"q/q.go:3: undefined: x\n"}
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q"}
{"Action":"output","Package":"r","Output":"goleak: found unexpected goroutines\n"}
{"Action":"fail","Package":"r"}
`
	c, err := Count(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	if c.Passed != 1 || c.Failed != 2 || c.Skipped != 1 {
		t.Errorf("passed/failed/skipped = %d/%d/%d, want 1/2/1", c.Passed, c.Failed, c.Skipped)
	}
	if got := strings.Join(c.FailedTests, ","); got != "p TestB,p TestB/x" {
		t.Errorf("FailedTests = %q", got)
	}
	if got := strings.Join(c.FailedPackages, ","); got != "q,r" {
		t.Errorf("FailedPackages = %q, want q,r (p failed through its tests)", got)
	}
	if !strings.Contains(c.Output["p TestB/x"], "boom") || !strings.Contains(c.Output["q"], "undefined: x") || !strings.Contains(c.Output["r"], "goleak") {
		t.Errorf("Output lost the failures' text: %q", c.Output)
	}
}

func TestOnlyIn(t *testing.T) {
	base := Counts{FailedTests: []string{"p TestA"}, FailedPackages: []string{"q"}}
	c := Counts{FailedTests: []string{"p TestA", "p TestB"}, FailedPackages: []string{"q", "r"}}
	if got := strings.Join(onlyIn(c, base), ","); got != "p TestB,r" {
		t.Errorf("onlyIn = %q, want p TestB,r", got)
	}
}

// TestModules checks the suite's entries: one entry per module, each with
// a version and a reason, a reason for each SkipPatch and flake, and
// SkipTests patterns that go test can compile (a bad one would fail every
// run of the module, std included).
func TestModules(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Modules {
		if seen[m.Path] {
			t.Errorf("%s is in the suite twice", m.Path)
		}
		seen[m.Path] = true
		if !strings.HasPrefix(m.Version, "v") || m.Uses == "" {
			t.Errorf("%s: version %q, uses %q: both are needed", m.Path, m.Version, m.Uses)
		}
		if _, err := regexp.Compile(m.SkipTests); err != nil {
			t.Errorf("%s: SkipTests: %v", m.Path, err)
		}
		if args := m.SkipArgs(); (m.SkipTests == "") != (len(args) == 0) {
			t.Errorf("%s: SkipArgs() = %q for SkipTests %q", m.Path, args, m.SkipTests)
		}
		if len(m.SkipPatch) > 0 && m.SkipPatchWhy == "" {
			t.Errorf("%s: SkipPatch %q without SkipPatchWhy", m.Path, m.SkipPatch)
		}
		for _, f := range m.Flakes {
			if f.Package == "" || f.Marker == "" || f.Why == "" {
				t.Errorf("%s: flake %+v: a package, a marker and a reason are needed", m.Path, f)
			}
		}
	}
}

// TestFlakeMatches: a flake matches its package and marker only, and
// never an output that shows a frame of evshim's.
func TestFlakeMatches(t *testing.T) {
	fl := Flake{Package: "p", Marker: "leak detected"}
	own := "leak detected, expected 1 but got 2 goroutines\ngoroutine 7 [runnable]:\np/internal/xsync.Go.func1()\n"
	evshim := own + "goroutine 9 [select]:\ngithub.com/evshim/evshim/internal/loop.(*reactor).run()\n"
	for _, c := range []struct {
		pkg, out string
		want     bool
	}{
		{"p", own, true},
		{"q", own, false},             // another package
		{"p", "panic: boom\n", false}, // another failure
		{"p", evshim, false},          // a goroutine of evshim's is not the module's flake
	} {
		if got := fl.Matches(c.pkg, c.out); got != c.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", c.pkg, c.out, got, c.want)
		}
	}
}
