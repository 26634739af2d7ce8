package compatcheck_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/evshim/evshim/cmd/evshim/internal/compatcheck"
	"github.com/evshim/evshim/internal/matrix"
	"github.com/evshim/evshim/internal/testenv"
)

// testRows stands in for the coverage matrix, so that the fixtures do not
// depend on which rows the real matrix holds today.
var testRows = []matrix.Row{
	{Pkg: "net", Name: "Dial", Status: matrix.Cooperative, Reason: "dials on the loop", Tests: []string{"compat/net.TestDial"}},
	{Pkg: "net", Name: "Dialer.Dial", Status: matrix.Cooperative, Reason: "dials on the loop", Tests: []string{"compat/net.TestDial"}},
	{Pkg: "net", Name: "LookupHost", Status: matrix.Delegated, Reason: "DNS runs in the standard resolver"},
	{Pkg: "net", Name: "ListenPacket", Status: matrix.Delegated, Reason: "packet sockets stay off the loop"},
	{Pkg: "net", Name: "JoinHostPort", Status: matrix.Delegated, Reason: "a string helper", NoIO: true},
	{Pkg: "net/http", Name: "Server.RegisterOnShutdown", Status: matrix.Unsupported, Reason: "no shutdown hooks yet", Deviation: "hooks never run"},
}

func testLookup(pkg, name string) (matrix.Row, bool) {
	for _, r := range testRows {
		if r.Pkg == pkg && r.Name == name {
			return r, true
		}
	}
	return matrix.Row{}, false
}

// loadFixtures loads the GOPATH-style tree in testdata, as analysistest
// would, but through the loader that Check uses: the fixtures are loaded
// once per test and analyzed as often as needed.
func loadFixtures(t *testing.T, patterns ...string) []*packages.Package {
	t.Helper()
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	testenv.IsolateGo(t)
	t.Setenv("GOPATH", dir)
	t.Setenv("GO111MODULE", "off")
	pkgs, err := compatcheck.Load(compatcheck.Options{Dir: dir, Tests: true}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("fixture %s: %v", p.ID, e)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return pkgs
}

func analyze(t *testing.T, a *analysis.Analyzer, pkgs []*packages.Package) *checker.Graph {
	t.Helper()
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("analyzing %s: %v", act.Package.ID, act.Err)
		}
	}
	return graph
}

// TestFixtures checks each kind of finding against the "// want" comments
// of the fixtures, which also fails any finding that no comment expects,
// and then that -only narrows the same findings.
func TestFixtures(t *testing.T) {
	pkgs := loadFixtures(t, "example.com/app", "example.com/mid", "example.com/dep", "example.com/nocompat", "example.com/clean")
	all := analyze(t, compatcheck.New(compatcheck.Config{Lookup: testLookup}), pkgs)

	t.Run("kinds=all", func(t *testing.T) {
		checkWants(t, all)
		kinds := map[string]int{}
		for _, act := range all.Roots {
			for _, d := range act.Diagnostics {
				kinds[d.Category]++
			}
			if act.Package.PkgPath == "example.com/clean" && len(act.Diagnostics) != 0 {
				t.Errorf("clean package: %d findings, want none", len(act.Diagnostics))
			}
		}
		for _, k := range []string{"imports", "calls", "assertions"} {
			if kinds[k] == 0 {
				t.Errorf("no finding of kind %s", k)
			}
		}
	})

	t.Run("only=calls", func(t *testing.T) {
		a := compatcheck.New(compatcheck.Config{Lookup: testLookup})
		if err := a.Flags.Set("only", "calls"); err != nil {
			t.Fatal(err)
		}
		// The findings of kind calls from the full run, and nothing else.
		var want, got []string
		for _, act := range all.Roots {
			for _, d := range act.Diagnostics {
				if d.Category == "calls" {
					want = append(want, act.Package.Fset.Position(d.Pos).String()+": "+d.Message)
				}
			}
		}
		for _, act := range analyze(t, a, pkgs).Roots {
			for _, d := range act.Diagnostics {
				got = append(got, act.Package.Fset.Position(d.Pos).String()+": "+d.Message)
			}
		}
		if len(want) == 0 {
			t.Fatal("the full run found no calls; nothing to narrow to")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("-only=calls findings mismatch (-want +got):\n%s", diff)
		}
		if err := a.Flags.Set("only", "bogus"); err == nil {
			t.Error(`-only=bogus accepted, want an error`)
		}
	})
}
