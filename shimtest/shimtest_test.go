package shimtest

import (
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evshim/evshim/internal/loop"
	"github.com/evshim/evshim/internal/matrix"
	"github.com/evshim/evshim/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

var generate = flag.Bool("generate", false, "rewrite ../COMPAT.md from the matrix")

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

// caseResult is what the harness saw of one case.
type caseResult struct {
	ran, stdOK, compatOK, loopMoved bool
}

// loopWork sums the counters that move only when the loop does work.
func loopWork(s loop.Stats) uint64 {
	return s.Events + s.Parks + s.Accepted + s.Dialed + s.Adopted + s.Timers + s.BytesIn + s.BytesOut
}

// runCases runs every case against every implementation and compares the
// observations between them.
func runCases(t *testing.T) map[string]caseResult {
	results := map[string]caseResult{}
	for _, c := range Cases() {
		var res caseResult
		t.Run("case="+c.Name, func(t *testing.T) {
			res.ran = true
			obs := map[string]any{}
			for _, impl := range Impls {
				var before loop.Stats
				if impl.OnLoop {
					before = loop.Default().Stats()
				}
				ok := t.Run("impl="+impl.Name, func(t *testing.T) { obs[impl.Name] = c.Run(t, impl) })
				switch impl.Name {
				case "std":
					res.stdOK = ok
				case "compat":
					res.compatOK = ok
					if impl.OnLoop {
						res.loopMoved = loopWork(loop.Default().Stats()) > loopWork(before)
					}
				}
			}
			if res.stdOK && res.compatOK {
				if diff := cmp.Diff(obs["std"], obs["compat"]); diff != "" {
					t.Errorf("std and compat observed differently (-std +compat):\n%s", diff)
					res.compatOK = false
				}
			}
		})
		results[c.Name] = res
	}
	return results
}

// TestCompatMatrix runs every case, holds every row to what its cases
// showed, and checks COMPAT.md against the rendering (or rewrites it with
// -generate).
func TestCompatMatrix(t *testing.T) {
	rows := matrix.Rows()
	for _, err := range matrix.Validate(rows) {
		t.Error(err)
	}
	results := runCases(t)
	for _, r := range rows {
		moved, all := false, true
		for _, name := range r.Cases {
			res, ok := results[name]
			moved = moved || res.loopMoved
			all = all && res.ran
			switch {
			case !ok:
				t.Errorf("%s: names case %q, which does not exist", r.Key(), name)
			case !res.ran:
				// Filtered out by -run: nothing to hold the row to.
			case !res.stdOK:
				t.Errorf("%s: case %q fails on the standard library", r.Key(), name)
			case r.Status == matrix.Unsupported && res.compatOK:
				t.Errorf("%s: marked unsupported, but case %q passes on compat: update the row", r.Key(), name)
			case r.Status != matrix.Unsupported && !res.compatOK:
				t.Errorf("%s: marked %v, but case %q fails on compat", r.Key(), r.Status, name)
			}
		}
		// Error-path cases may rightly never reach the loop; at least one
		// case of a row that claims the loop must show it working.
		onLoop := r.Status == matrix.Cooperative || r.Status == matrix.Partial
		if onLoop && Compat.OnLoop && all && len(r.Cases) > 0 && !moved {
			t.Errorf("%s: marked %v, but the loop did no work during any of its cases %v", r.Key(), r.Status, r.Cases)
		}
		for _, test := range r.Tests {
			if err := testExists(test); err != nil {
				t.Errorf("%s: %v", r.Key(), err)
			}
		}
	}

	if t.Failed() && !*generate {
		return
	}
	got := RenderCompat(rows)
	path := filepath.Join("..", "COMPAT.md")
	if *generate {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go generate ./shimtest", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("COMPAT.md out of date; run go generate ./shimtest (-file +matrix):\n%s", diff)
	}
}

// testExists checks that "dir.TestName[/sub]" names a test function in
// dir's _test.go files (dir relative to the module root).
func testExists(ref string) error {
	i := -1
	for _, kind := range []string{".Test", ".Fuzz", ".Example", ".Benchmark"} {
		i = max(i, strings.LastIndex(ref, kind))
	}
	if i < 0 {
		return fmt.Errorf("test reference %q is not dir.TestName (or Fuzz, Example, Benchmark)", ref)
	}
	dir, name := ref[:i], ref[i+1:]
	if j := strings.IndexByte(name, '/'); j >= 0 {
		name = name[:j]
	}
	files, _ := filepath.Glob(filepath.Join("..", dir, "*_test.go"))
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
				return nil
			}
		}
	}
	return fmt.Errorf("%s not found in %s", name, dir)
}

// TestAPIParity checks, over go/types, that every export of each mirrored
// standard library package has a row and a compatible symbol in the compat
// package, and that no row names something the stdlib does not export. A
// new Go release that adds an export fails here until it has a row.
func TestAPIParity(t *testing.T) {
	rows := matrix.Rows()
	var paths []string
	for _, m := range mirrored {
		paths = append(paths, m.Std, m.Compat)
	}
	byPath, err := loadTypes(paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mirrored {
		var pkgRows []matrix.Row
		for _, r := range rows {
			if r.Pkg == m.Std {
				pkgRows = append(pkgRows, r)
			}
		}
		if len(pkgRows) == 0 {
			t.Logf("%s: no rows yet (%s); COMPAT.md says so", m.Std, m.Issue)
			continue
		}
		t.Run("pkg="+m.Std, func(t *testing.T) {
			std, cpt := byPath[m.Std], byPath[m.Compat]
			if std == nil || cpt == nil {
				t.Fatalf("cannot load %s or %s", m.Std, m.Compat)
			}
			checkParity(t, std, cpt, pkgRows)
		})
	}
}

// qualifier prints a package by its name, so that evshim's own types
// (compat/net.TCPConn) print as the stdlib's do (net.TCPConn).
func qualifier(p *types.Package) string { return p.Name() }

// typeString prints t with package names; a signature prints without its
// parameter names, which do not affect what compiles.
func typeString(t types.Type) string {
	sig, ok := t.(*types.Signature)
	if !ok {
		return types.TypeString(t, qualifier)
	}
	tuple := func(tu *types.Tuple) string {
		var parts []string
		for i := 0; i < tu.Len(); i++ {
			parts = append(parts, types.TypeString(tu.At(i).Type(), qualifier))
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("func%s %s variadic=%v", tuple(sig.Params()), tuple(sig.Results()), sig.Variadic())
}

func checkParity(t *testing.T, std, cpt *types.Package, rows []matrix.Row) {
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Name] = true
	}
	for _, name := range std.Scope().Names() {
		so := std.Scope().Lookup(name)
		if !so.Exported() {
			continue
		}
		if !have[name] {
			t.Errorf("%s.%s has no matrix row", std.Path(), name)
		}
		co := cpt.Scope().Lookup(name)
		if co == nil {
			t.Errorf("%s has no %s", cpt.Path(), name)
			continue
		}
		if fmt.Sprintf("%T", so) != fmt.Sprintf("%T", co) {
			t.Errorf("%s: stdlib has a %T, compat a %T", name, so, co)
			continue
		}
		switch so := so.(type) {
		case *types.Func, *types.Var:
			if a, b := typeString(so.Type()), typeString(co.Type()); a != b {
				t.Errorf("%s: stdlib %s, compat %s", name, a, b)
			}
		case *types.Const:
			if so.Val().ExactString() != co.(*types.Const).Val().ExactString() {
				t.Errorf("%s: constant values differ", name)
			}
		case *types.TypeName:
			checkTypeParity(t, name, so, co.(*types.TypeName), have)
		}
	}
	for _, r := range rows {
		typ, method, isMethod := strings.Cut(r.Name, ".")
		if !isMethod {
			if std.Scope().Lookup(r.Name) == nil {
				t.Errorf("row %s names nothing the stdlib exports", r.Key())
			}
			continue
		}
		tn, ok := std.Scope().Lookup(typ).(*types.TypeName)
		if !ok {
			t.Errorf("row %s: no stdlib type %s", r.Key(), typ)
			continue
		}
		if obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, std, method); obj == nil {
			t.Errorf("row %s: the stdlib's %s has no method %s", r.Key(), typ, method)
		}
	}
}

// checkTypeParity: an alias must be identical to the stdlib's type; an own
// type must have every exported field and method, with the same types, and
// every method must have a row.
func checkTypeParity(t *testing.T, name string, so, co *types.TypeName, have map[string]bool) {
	if types.Identical(so.Type(), co.Type()) {
		return
	}
	sp, cp := types.NewPointer(so.Type()), types.NewPointer(co.Type())
	ms := types.NewMethodSet(sp)
	for i := 0; i < ms.Len(); i++ {
		m := ms.At(i).Obj()
		if !m.Exported() {
			continue
		}
		if !have[name+"."+m.Name()] {
			t.Errorf("own type %s: method %s has no matrix row", name, m.Name())
		}
		cm, _, _ := types.LookupFieldOrMethod(cp, true, co.Pkg(), m.Name())
		if cm == nil {
			t.Errorf("own type %s lacks method %s", name, m.Name())
			continue
		}
		if a, b := typeString(m.Type()), typeString(cm.Type()); a != b {
			t.Errorf("%s.%s: stdlib %s, compat %s", name, m.Name(), a, b)
		}
	}
	if st, ok := so.Type().Underlying().(*types.Struct); ok {
		ct, _ := co.Type().Underlying().(*types.Struct)
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			if !f.Exported() {
				continue
			}
			found := false
			for j := 0; ct != nil && j < ct.NumFields(); j++ {
				if g := ct.Field(j); g.Name() == f.Name() && typeString(g.Type()) == typeString(f.Type()) {
					found = true
				}
			}
			if !found {
				t.Errorf("own type %s lacks field %s %s", name, f.Name(), typeString(f.Type()))
			}
		}
	}
}

// loadTypes type-checks the packages at paths from the export data the go
// command writes for them (go list -export), so the library's tests need
// nothing beyond the standard library to read a package's API.
func loadTypes(paths []string) (map[string]*types.Package, error) {
	args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("go list: %v\n%s", err, ee.Stderr)
		}
		return nil, fmt.Errorf("go list: %v", err)
	}
	export := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			export[path] = file
		}
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		file, ok := export[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	byPath := map[string]*types.Package{}
	for _, path := range paths {
		pkg, err := imp.Import(path)
		if err != nil {
			return nil, err
		}
		byPath[path] = pkg
	}
	return byPath, nil
}
