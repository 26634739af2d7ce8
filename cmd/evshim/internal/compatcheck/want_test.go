package compatcheck_test

import (
	"fmt"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/checker"
)

// An expectation is one entry of a "// want" comment.
type expectation struct {
	fact bool // a package:"re" entry, matched against the package fact
	rx   *regexp.Regexp
}

// checkWants compares the findings and the package fact of each root
// action with the "// want" comments of its files, with analysistest's
// conventions: a comment, or the tail of one after "// want", lists Go
// string literals, each a regular expression that one finding on the
// comment's line must match; an entry written package:"re" must match the
// package's fact instead. Findings no entry expects, and entries no finding
// matches, fail the test.
func checkWants(t *testing.T, graph *checker.Graph) {
	t.Helper()
	for _, act := range graph.Roots {
		pkg := act.Package
		type line struct {
			file string
			line int
		}
		diags := map[line][]*regexp.Regexp{}
		var facts []*regexp.Regexp
		for _, f := range pkg.Syntax {
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					_, rest, ok := strings.Cut(c.Text, "// want ")
					if !ok {
						continue
					}
					posn := pkg.Fset.Position(c.Pos())
					exps, err := parseWant(rest)
					if err != nil {
						t.Errorf("%s: %v", posn, err)
						continue
					}
					for _, e := range exps {
						if e.fact {
							facts = append(facts, e.rx)
						} else {
							k := line{posn.Filename, posn.Line}
							diags[k] = append(diags[k], e.rx)
						}
					}
				}
			}
		}

		// match removes the first of rxs that matches s.
		match := func(rxs []*regexp.Regexp, s string) ([]*regexp.Regexp, bool) {
			for i, rx := range rxs {
				if rx.MatchString(s) {
					return append(rxs[:i:i], rxs[i+1:]...), true
				}
			}
			return rxs, false
		}
		for _, d := range act.Diagnostics {
			posn := pkg.Fset.Position(d.Pos)
			k := line{posn.Filename, posn.Line}
			var ok bool
			if diags[k], ok = match(diags[k], d.Message); !ok {
				t.Errorf("%s: unexpected finding: %s", posn, d.Message)
			}
		}
		for _, pf := range act.AllPackageFacts() {
			if pf.Package != pkg.Types {
				continue
			}
			var ok bool
			if facts, ok = match(facts, fmt.Sprint(pf.Fact)); !ok {
				t.Errorf("%s: unexpected package fact %v", pkg.ID, pf.Fact)
			}
		}
		for k, rxs := range diags {
			for _, rx := range rxs {
				t.Errorf("%s: no finding matches %#q", token.Position{Filename: k.file, Line: k.line}, rx)
			}
		}
		for _, rx := range facts {
			t.Errorf("%s: no package fact matches %#q", pkg.ID, rx)
		}
	}
}

// parseWant parses the entries of a "// want" comment that follow "want ".
func parseWant(s string) ([]expectation, error) {
	var exps []expectation
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return exps, nil
		}
		var e expectation
		s, e.fact = strings.CutPrefix(s, "package:")
		lit, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, fmt.Errorf("want comment: %q is not a string literal", s)
		}
		s = s[len(lit):]
		re, _ := strconv.Unquote(lit) // QuotedPrefix accepted it
		if e.rx, err = regexp.Compile(re); err != nil {
			return nil, fmt.Errorf("want comment: %v", err)
		}
		exps = append(exps, e)
	}
}
