package compatcheck

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
	"github.com/evshim/evshim/internal/matrix"
)

// Config configures an analyzer made by [New].
type Config struct {
	// Lookup returns the coverage matrix row of a mirrored identifier, keyed
	// as matrix.Row is ("net", "Dial"; "net/http", "Server.Serve"). Nil
	// means [matrix.Lookup]; tests inject rows through it.
	Lookup func(pkg, name string) (matrix.Row, bool)
	// Kinds selects the findings to report; zero means [AllKinds]. The
	// analyzer's -only flag sets it too.
	Kinds Kind
	// Elsewhere, if not nil, reports whether the package with the given
	// import path has its own findings listed by the same run, so that
	// findings about it as a dependency would repeat them. Check sets it to
	// the packages it analyzes; under go vet it is nil.
	Elsewhere func(pkgPath string) bool
}

// Analyzer reports code that bypasses the loop, with the coverage matrix
// read through [matrix.Lookup].
var Analyzer = New(Config{})

// New returns an analyzer configured by cfg. Each call returns a distinct
// analyzer with its own flags.
func New(cfg Config) *analysis.Analyzer {
	if cfg.Lookup == nil {
		cfg.Lookup = matrix.Lookup
	}
	if cfg.Kinds == 0 {
		cfg.Kinds = AllKinds
	}
	c := &analyzerState{cfg: cfg}
	a := &analysis.Analyzer{
		Name:      "compatcheck",
		Doc:       "report code that bypasses the evshim event loop\n\nSee https://pkg.go.dev/github.com/evshim/evshim/cmd/evshim/internal/compatcheck for the three kinds of finding.",
		URL:       "https://pkg.go.dev/github.com/evshim/evshim/cmd/evshim/internal/compatcheck",
		Run:       c.run,
		FactTypes: []analysis.Fact{new(summary)},
	}
	a.Flags.Init("compatcheck", flag.ContinueOnError)
	a.Flags.Var(&c.cfg.Kinds, "only", "report only these finding kinds: a comma-separated list of imports, calls, assertions")
	return a
}

// analyzerState holds an analyzer's configuration. cfg is set by New and by
// flag parsing before the first run, and read-only while passes run, which
// the drivers may do concurrently.
type analyzerState struct {
	cfg Config
}

// mirrored returns the matrix package key for a compat package's import
// path: the mirrored standard library path, or "compat/queue".
func mirrored(path string) (string, bool) {
	for _, s := range rewrite.Swaps {
		if path == s.Compat {
			return s.Std, true
		}
	}
	if path == rewrite.Module+"/compat/queue" {
		return "compat/queue", true
	}
	return "", false
}

// isMirroredStd reports whether path is a standard library package that a
// compat package mirrors.
func isMirroredStd(path string) bool {
	for _, s := range rewrite.Swaps {
		if path == s.Std {
			return true
		}
	}
	return false
}

// bypassesByImport reports whether importing path makes the importer's
// traffic bypass the loop: net, net/http and os/signal do. Importing
// net/http/httptest does not by itself (its recorder and NewRequest are
// the standard library's in compat too); its servers are reported where
// they are started, by checkBypasses.
func bypassesByImport(path string) bool {
	return isMirroredStd(path) && path != "net/http/httptest"
}

func isEvshim(path string) bool {
	return path == rewrite.Module || strings.HasPrefix(path, rewrite.Module+"/")
}

// isStd reports whether pass analyzes a standard library package. A
// package of a named module is not; without module information (the
// standard library, GOPATH mode) a dotless first path element is the clue.
func isStd(pass *analysis.Pass) bool {
	if m := pass.Module; m != nil && m.Path != "" && m.Path != "std" {
		return false
	}
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	return !strings.Contains(first, ".") && pass.Pkg.Path() != "command-line-arguments"
}

func (c *analyzerState) run(pass *analysis.Pass) (any, error) {
	if isStd(pass) {
		return nil, nil
	}
	self := pass.Pkg.Path()
	sum := new(summary)
	for _, imp := range pass.Pkg.Imports() {
		var s summary
		if pass.ImportPackageFact(imp, &s) {
			sum.merge(&s)
		}
	}
	if std, ok := mirrored(self); ok && isMirroredStd(std) {
		sum.merge(&summary{Owned: declaredTypes(std, pass.Pkg)})
	}
	if isEvshim(self) {
		// What evshim's own dependencies do (gnet's logger importing
		// net/http, x/net's httpguts importing net) is evshim's concern,
		// and COMPAT.md's: a user reaching them only through evshim can do
		// nothing about them. So an evshim package passes on only the
		// types its compat packages own; a dependency that the user's
		// code also imports by another way still carries its own fact.
		pass.ExportPackageFact(&summary{Owned: sum.Owned})
		return nil, nil
	}

	owned := sum.Owned
	if len(owned) == 0 {
		owned = fallbackOwned
	}
	p := &packagePass{analyzerState: c, pass: pass, owned: owned}
	own := &summary{}
	p.checkImports(own)
	p.checkAssertions(own)
	p.checkCalls()
	p.checkBypasses()
	p.checkDependencies()
	sum.merge(own)
	pass.ExportPackageFact(sum)
	return nil, nil
}

// packagePass is the state of one run over one package; it is used by one
// goroutine.
type packagePass struct {
	*analyzerState
	pass  *analysis.Pass
	owned []stdType
}

func (p *packagePass) report(k Kind, pos token.Pos, format string, args ...any) {
	if p.cfg.Kinds&k == 0 {
		return
	}
	p.pass.Report(analysis.Diagnostic{Pos: pos, Category: k.String(), Message: fmt.Sprintf(format, args...)})
}

func (p *packagePass) isOwned(t stdType) bool {
	return slices.ContainsFunc(p.owned, func(o stdType) bool { return o == t })
}

// checkImports reports the package's own imports of mirrored packages and
// records them in own.
func (p *packagePass) checkImports(own *summary) {
	for _, f := range p.pass.Files {
		skip := rewrite.SkipReason(p.pass.Fset.File(f.Pos()).Name(), f)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil || !bypassesByImport(path) {
				continue
			}
			own.Imports = append(own.Imports, depImport{Pkg: p.pass.Pkg.Path(), Std: path})
			compat, _ := counterpart(path)
			p.report(Imports, imp.Pos(), "%q imported directly: its traffic bypasses the evshim loop (%s)", path, importFix(compat, skip))
		}
	}
	own.merge(&summary{}) // sort and deduplicate
}

// importFix says how to swap an import for compat, given why evshim
// rewrite would leave its file alone ("" when it would not).
func importFix(compat, skip string) string {
	switch {
	case skip == "":
		return "import " + compat + " instead; evshim rewrite does it"
	case skip == "generated file":
		return "this file is generated and evshim rewrite leaves it alone: regenerate it with its generator importing " + compat + ", or edit the import by hand"
	default:
		return "import " + compat + " instead; evshim rewrite leaves this file alone (" + skip + "), so edit it by hand"
	}
}

func counterpart(std string) (string, bool) {
	for _, s := range rewrite.Swaps {
		if s.Std == std {
			return s.Compat, true
		}
	}
	return "", false
}

// checkAssertions reports type assertions, type switch cases and
// conversions to a standard library type that a compat package owns, and
// records every such construct aimed at a concrete mirrored type in own.
func (p *packagePass) checkAssertions(own *summary) {
	// check records an assertion to a concrete mirrored type and, when
	// generic is set, reports it if a compat package owns the type.
	check := func(what string, typeExpr ast.Expr, generic bool) {
		t := p.pass.TypesInfo.TypeOf(typeExpr)
		st, ptr, ok := concreteStd(t)
		if !ok {
			return
		}
		pos := p.pass.Fset.Position(typeExpr.Pos())
		own.Asserts = append(own.Asserts, depAssert{
			Pkg:     p.pass.Pkg.Path(),
			Pos:     fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line),
			Type:    st,
			Pointer: ptr,
		})
		if !generic || !p.isOwned(st) {
			return
		}
		verdict := "never matches a compat value"
		if what == "conversion to" {
			verdict = "gives the standard library's type, which compat APIs do not take"
		}
		p.report(Assertions, typeExpr.Pos(), "%s %s %s: %s has its own %s", what, typeString(st, ptr), verdict, compatOf(st.Pkg), st.Name)
	}
	for _, f := range p.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeAssertExpr:
				if n.Type == nil { // x.(type) is handled with its switch
					break
				}
				compat, onKey := p.serverContextAssertion(n)
				check("type assertion to", n.Type, !onKey)
				_, commaOK := p.pass.TypesInfo.TypeOf(n).(*types.Tuple)
				switch {
				case onKey && compat && commaOK:
					// It handles a net/http server's value.
				case onKey && compat:
					p.report(Assertions, n.Type.Pos(), "type assertion to *http.Server on the ServerContextKey value matches only when a compat/http server serves the request: under a net/http server, such as net/http/httptest's, the value is a *net/http.Server and the assertion fails; serve with %s (in tests, %s), or use the two-value form and handle ok == false", compatHTTP, compatHTTPTest)
				case onKey:
					p.report(Assertions, n.Type.Pos(), "type assertion to *net/http.Server on the ServerContextKey value never matches once compat/http serves the request, which stores its own *Server there: assert to %s's *Server (import it in place of net/http)", compatHTTP)
				}
			case *ast.TypeSwitchStmt:
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
						check("type switch case", e, true)
					}
				}
			case *ast.CallExpr:
				if tv, ok := p.pass.TypesInfo.Types[n.Fun]; ok && tv.IsType() && len(n.Args) == 1 {
					check("conversion to", n.Fun, true)
				}
			}
			return true
		})
	}
	own.merge(&summary{})
}

// concreteStd reports whether t, or the type t points to, is a concrete
// named type of a mirrored standard library package.
func concreteStd(t types.Type) (st stdType, ptr bool, ok bool) {
	if t == nil {
		return stdType{}, false, false
	}
	if p, isPtr := types.Unalias(t).(*types.Pointer); isPtr {
		t, ptr = p.Elem(), true
	}
	named, isNamed := types.Unalias(t).(*types.Named)
	if !isNamed || named.Obj().Pkg() == nil || !isMirroredStd(named.Obj().Pkg().Path()) {
		return stdType{}, false, false
	}
	if types.IsInterface(named) {
		return stdType{}, false, false
	}
	return stdType{Pkg: named.Obj().Pkg().Path(), Name: named.Obj().Name()}, ptr, true
}

func typeString(st stdType, ptr bool) string {
	s := st.Pkg[strings.LastIndex(st.Pkg, "/")+1:] + "." + st.Name
	if ptr {
		s = "*" + s
	}
	return s
}

func compatOf(std string) string {
	c, _ := counterpart(std)
	return c
}

// calledFunc returns the function or method that call calls by name
// (f(...), pkg.F(...), x.M(...)) and the identifier that names it (where
// a finding points), or a nil fn for a call of anything else (a function
// value, a conversion, a builtin).
func (p *packagePass) calledFunc(call *ast.CallExpr) (fn *types.Func, id *ast.Ident) {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		id = fun.Sel
	default:
		return nil, nil
	}
	fn, _ = p.pass.TypesInfo.Uses[id].(*types.Func)
	return fn, id
}

// checkCalls reports calls of compat functions and methods that the matrix
// marks Delegated or Unsupported. Delegated functions that do no I/O
// (NoIO rows) and other uses of such identifiers (type aliases, the
// standard library's variables and constants) are not reported: they
// bypass nothing.
func (p *packagePass) checkCalls() {
	for _, f := range p.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, id := p.calledFunc(call)
			if fn == nil {
				return true
			}
			pkg, name, ok := matrixKey(fn)
			if !ok {
				return true
			}
			row, ok := p.cfg.Lookup(pkg, name)
			if !ok {
				return true
			}
			display := pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
			switch row.Status {
			case matrix.Delegated:
				if row.NoIO {
					return true // a parser or helper: nothing to bypass
				}
				p.report(Calls, id.Pos(), "%s is delegated to the standard library and does not run on the evshim loop: %s", display, row.Reason)
			case matrix.Unsupported:
				msg := fmt.Sprintf("%s is unsupported by evshim: %s", display, row.Reason)
				if row.Deviation != "" {
					msg += " (" + row.Deviation + ")"
				}
				p.report(Calls, id.Pos(), "%s", msg)
			}
			return true
		})
	}
}

// matrixKey returns the matrix key of obj when it is a package-level
// identifier of a compat package, or a method of a type that a compat
// package declares.
func matrixKey(obj types.Object) (pkg, name string, ok bool) {
	if obj == nil || obj.Pkg() == nil {
		return "", "", false
	}
	pkg, ok = mirrored(obj.Pkg().Path())
	if !ok {
		return "", "", false
	}
	if fn, isFunc := obj.(*types.Func); isFunc {
		if recv := fn.Signature().Recv(); recv != nil {
			t := recv.Type()
			if p, isPtr := t.(*types.Pointer); isPtr {
				t = p.Elem()
			}
			named, isNamed := types.Unalias(t).(*types.Named)
			if !isNamed || named.Obj().Pkg() != obj.Pkg() {
				return "", "", false
			}
			return pkg, named.Obj().Name() + "." + fn.Name(), true
		}
	}
	if obj.Parent() != obj.Pkg().Scope() {
		return "", "", false // fields, parameters, locals
	}
	return pkg, obj.Name(), true
}

// checkDependencies reports, at the import through which the package
// reaches them first, the dependencies that import mirrored packages
// directly and their assertions to owned types.
func (p *packagePass) checkDependencies() {
	self := p.pass.Pkg.Path()
	seen := map[any]bool{}
	for _, f := range p.pass.Files {
		for _, imp := range f.Imports {
			obj := p.pass.TypesInfo.PkgNameOf(imp)
			if obj == nil {
				continue
			}
			via := obj.Imported().Path()
			if isEvshim(via) {
				// What evshim's own dependencies do is evshim's concern,
				// and COMPAT.md's; a user can act only on their own imports.
				continue
			}
			var s summary
			if !p.pass.ImportPackageFact(obj.Imported(), &s) {
				continue
			}
			through := func(pkg string) string {
				if pkg == via {
					return ""
				}
				return " (reached through " + via + ")"
			}
			for _, di := range s.Imports {
				if di.Pkg == self || seen[di] || p.elsewhere(di.Pkg) {
					continue
				}
				seen[di] = true
				p.report(Imports, imp.Pos(), "dependency %s imports %s directly: its traffic bypasses the evshim loop%s", di.Pkg, di.Std, through(di.Pkg))
			}
			for _, da := range s.Asserts {
				if da.Pkg == self || seen[da] || p.elsewhere(da.Pkg) || !p.isOwned(da.Type) {
					continue
				}
				seen[da] = true
				p.report(Assertions, imp.Pos(), "dependency %s converts or asserts to %s at %s, which never matches a compat value: %s has its own %s%s",
					da.Pkg, typeString(da.Type, da.Pointer), da.Pos, compatOf(da.Type.Pkg), da.Type.Name, through(da.Pkg))
			}
		}
	}
}

func (p *packagePass) elsewhere(pkg string) bool {
	return p.cfg.Elsewhere != nil && p.cfg.Elsewhere(pkg)
}
