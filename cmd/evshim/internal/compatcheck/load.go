package compatcheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// load returns the packages that patterns match, with their dependencies,
// ready for [checker.Analyze]: every package has Types, and every package
// outside the standard library also has Syntax and TypesInfo.
//
// What is parsed follows from what the analyzer reads: the syntax of the
// packages it reports on and, to carry facts, of every dependency it does
// not skip; it skips the standard library. So packages outside the
// standard library are parsed and type-checked from source, and the
// standard library's types come from compiler export data, which the go
// command builds once and keeps in its build cache. Type-checking net/http
// and its dependencies from source instead takes seconds, several times
// longer in a race-enabled binary, and packages.LoadAllSyntax does it on
// every call. opts.Tests adds the test variants of the matched packages
// only, as go vet does.
//
// Problems with a package are recorded in its Errors, and it and its
// importers are marked IllTyped; load fails only when the go command does.
func load(opts Options, patterns ...string) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedDeps | packages.NeedTypesSizes | packages.NeedModule,
		Dir:   opts.Dir,
		Tests: opts.Tests,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	var std []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.ID == p.PkgPath && p.PkgPath != "unsafe" && stdPath(p.PkgPath, p.Module) {
			std = append(std, p.PkgPath)
		}
	})
	// A second go command, rather than NeedExportFile on the first, so that
	// only the standard library is compiled: export data of the user's
	// packages would go unused, and their compile errors would repeat the
	// type errors found below.
	exports := map[string]string{}
	if len(std) > 0 {
		stdPkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedExportFile, Dir: opts.Dir}, std...)
		if err != nil {
			return nil, err
		}
		for _, p := range stdPkgs {
			exports[p.PkgPath] = p.ExportFile
		}
	}
	ld := &loader{fset: token.NewFileSet(), exports: exports, exported: map[string]*types.Package{}}
	// Visit calls typeCheck on a package after all its imports.
	packages.Visit(pkgs, nil, ld.typeCheck)
	return pkgs, nil
}

// loader type-checks one import graph. It is used by one goroutine.
type loader struct {
	fset *token.FileSet
	// exports maps the import paths of the graph's standard library
	// packages to their export data files.
	exports map[string]string
	// exported holds the packages read from export data, by import path.
	// Reading a package's export data also creates or extends the
	// packages it mentions; sharing one map keeps each path one
	// *types.Package across all reads, and so keeps types identical.
	exported map[string]*types.Package
}

// stdPath reports whether a package with import path path, in module mod,
// belongs to the standard library. Without module information (GOPATH
// mode) a dotless first path element is the clue, as in the go command.
func stdPath(path string, mod *packages.Module) bool {
	if mod != nil {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "command-line-arguments"
}

func (ld *loader) typeCheck(p *packages.Package) {
	p.Fset = ld.fset
	defer func() {
		// As in go/packages, a package is ill-typed when it or any of
		// its dependencies has errors.
		p.IllTyped = len(p.Errors) > 0
		for _, imp := range p.Imports {
			p.IllTyped = p.IllTyped || imp.IllTyped
		}
	}()
	if p.PkgPath == "unsafe" {
		p.Types = types.Unsafe
		return
	}
	// A test variant of a standard library package (only when the
	// standard library itself is checked) shares its import path with the
	// ordinary package and so cannot live in ld.exported.
	if file := ld.exports[p.PkgPath]; file != "" && p.ID == p.PkgPath {
		if err := ld.readExportData(p, file); err != nil {
			p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		}
		return
	}

	for _, name := range p.CompiledGoFiles {
		f, err := parser.ParseFile(ld.fset, name, nil, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if f != nil {
			p.Syntax = append(p.Syntax, f)
		}
		if err != nil {
			ld.addError(p, err, packages.ParseError)
		}
	}
	p.TypesInfo = &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := p.Imports[path]
			if imp == nil || imp.Types == nil {
				return nil, fmt.Errorf("could not import %s (no type information)", path)
			}
			return imp.Types, nil
		}),
		Sizes: p.TypesSizes,
		Error: func(err error) { ld.addError(p, err, packages.TypeError) },
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	// Every error has gone to tc.Error.
	_ = types.NewChecker(tc, ld.fset, p.Types, p.TypesInfo).Files(p.Syntax)
}

func (ld *loader) readExportData(p *packages.Package, file string) error {
	if tp := ld.exported[p.PkgPath]; tp != nil && tp.Complete() {
		p.Types = tp
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return fmt.Errorf("reading export data of %s: %w", p.PkgPath, err)
	}
	tp, err := gcexportdata.Read(r, ld.fset, ld.exported, p.PkgPath)
	if err != nil {
		return fmt.Errorf("reading export data of %s: %w", p.PkgPath, err)
	}
	p.Types = tp
	return nil
}

// addError records err, a parse or type error, in p's Errors in the form
// go/packages gives them.
func (ld *loader) addError(p *packages.Package, err error, kind packages.ErrorKind) {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			p.Errors = append(p.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: kind})
		}
		return
	}
	var te types.Error
	if errors.As(err, &te) {
		p.Errors = append(p.Errors, packages.Error{Pos: ld.fset.Position(te.Pos).String(), Msg: te.Msg, Kind: kind})
		return
	}
	p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: kind})
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
