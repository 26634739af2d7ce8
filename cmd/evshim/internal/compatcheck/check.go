package compatcheck

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/evshim/evshim/internal/matrix"
)

// A Finding is one report of [Check].
type Finding struct {
	Kind    string         `json:"kind"` // "imports", "calls" or "assertions"
	Pos     token.Position `json:"pos"`
	Package string         `json:"package"` // import path of the analyzed package
	Message string         `json:"message"`
}

// Options configures [Check].
type Options struct {
	// Dir is the directory in which to resolve patterns; "" is the current
	// directory.
	Dir string
	// Tests includes test files, as go vet does.
	Tests bool
	// Kinds selects the findings to report; zero means [AllKinds].
	Kinds Kind
	// Lookup reads the coverage matrix; nil means [matrix.Lookup].
	Lookup func(pkg, name string) (matrix.Row, bool)
}

// Check loads the packages that patterns match, with all their
// dependencies, and runs the analyzer over them. It returns the findings
// sorted by position, each once, although a package and its test variant
// share files.
//
// A package that does not load or type-check makes Check return an error
// that lists the problems, along with the findings of the other packages.
func Check(opts Options, patterns ...string) ([]Finding, error) {
	pkgs, err := load(opts, patterns...)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, errors.New("no packages matched")
	}
	// The generated main package of each test binary lives in the build
	// cache and holds nothing the user wrote: go vet does not check it,
	// and neither does Check.
	pkgs = slices.DeleteFunc(pkgs, isTestMain)
	if len(pkgs) == 0 {
		return nil, errors.New("no packages matched")
	}
	roots := map[string]bool{}
	for _, p := range pkgs {
		roots[p.PkgPath] = true
	}
	a := New(Config{
		Lookup:    opts.Lookup,
		Kinds:     opts.Kinds,
		Elsewhere: func(path string) bool { return roots[path] },
	})
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		return nil, err
	}

	var errs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
	})
	type key struct {
		pos token.Position
		msg string
	}
	seen := map[key]bool{}
	var findings []Finding
	for _, act := range graph.Roots {
		if act.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", act.Package.PkgPath, act.Err))
			continue
		}
		for _, d := range act.Diagnostics {
			k := key{act.Package.Fset.Position(d.Pos), d.Message}
			if seen[k] {
				continue
			}
			seen[k] = true
			findings = append(findings, Finding{Kind: d.Category, Pos: k.pos, Package: act.Package.PkgPath, Message: d.Message})
		}
	}
	slices.SortFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column), cmp.Compare(a.Message, b.Message))
	})
	return findings, errors.Join(errs...)
}

// isTestMain reports whether p is the generated main package of a test
// binary ("example.com/app.test"), which go/packages lists with Tests set.
func isTestMain(p *packages.Package) bool {
	return p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test") && strings.HasSuffix(p.ID, ".test")
}
