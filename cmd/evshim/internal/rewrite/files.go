package rewrite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A Skip names a package or file that [Files] left out, and why.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Files resolves command-line arguments to the Go files to swap. An argument
// ending in ".go" names a file. A directory pattern ("./...", "./cmd/app",
// "/abs/dir/...") is resolved by walking the file tree as the go command
// would, without running it: after a swap the module may need "go mod tidy"
// before the go command accepts it, and a revert must work all the same.
// Any other argument is an import path pattern, resolved by "go list"
// through go/packages, from dir ("" is the current directory).
//
// For each package in a main module, Files returns every .go file in its
// directory, including test files and files that build constraints exclude
// on this platform, since a swap must hold for every build. It leaves out
// packages outside the main modules (the standard library, dependencies),
// evshim's own packages, which import the standard library on purpose, and
// vendor directories; those appear in skipped. Packages that do not build,
// because a swapped import is not yet resolvable for instance, are still
// listed: only their file names are needed.
func Files(dir string, args []string) (files []string, skipped []Skip, err error) {
	var patterns []string
	var errs []error
	for _, a := range args {
		if strings.HasSuffix(a, ".go") {
			if fi, err := os.Stat(a); err == nil && fi.Mode().IsRegular() {
				files = append(files, a)
				continue
			}
		}
		if isLocal(a) {
			root, recursive := strings.CutSuffix(filepath.ToSlash(a), "/...")
			if !filepath.IsAbs(root) {
				root = filepath.Join(dir, root)
			}
			fs, sk, err := walk(filepath.FromSlash(root), recursive)
			files, skipped = append(files, fs...), append(skipped, sk...)
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		patterns = append(patterns, a)
	}
	if len(patterns) == 0 {
		return files, skipped, errors.Join(errs...)
	}

	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedModule, Dir: dir}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, nil, err
	}
	if len(pkgs) == 0 {
		return nil, nil, fmt.Errorf("%s: no packages matched", strings.Join(patterns, " "))
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		switch {
		case p.Dir == "":
			for _, e := range p.Errors {
				errs = append(errs, e)
			}
			continue
		case p.Module == nil || !p.Module.Main:
			skipped = append(skipped, Skip{Path: p.PkgPath, Reason: "not in the main module"})
			continue
		case p.Module.Path == Module:
			skipped = append(skipped, Skip{Path: p.PkgPath, Reason: "part of evshim, which uses the standard library on purpose"})
			continue
		case isVendored(p.Dir):
			skipped = append(skipped, Skip{Path: p.PkgPath, Reason: "vendored package"})
			continue
		case seen[p.Dir]:
			continue
		}
		seen[p.Dir] = true
		names, err := goFiles(p.Dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, names...)
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return files, skipped, nil
}

// goFiles lists the .go files of a package directory that the go command
// would consider, sorted.
func goFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		// The go command ignores files whose names begin with "." or "_".
		if !e.Type().IsRegular() || !strings.HasSuffix(n, ".go") || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			continue
		}
		names = append(names, filepath.Join(dir, n))
	}
	return names, nil
}

// isVendored reports whether path lies in a vendor directory.
func isVendored(path string) bool {
	return slices.Contains(strings.Split(filepath.ToSlash(path), "/"), "vendor")
}

// isLocal reports whether pattern names directories rather than import
// paths, by the go command's rule: it is rooted or begins with . or ..
func isLocal(pattern string) bool {
	return filepath.IsAbs(pattern) || pattern == "." || pattern == ".." ||
		strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../") ||
		strings.HasPrefix(pattern, "."+string(filepath.Separator)) || strings.HasPrefix(pattern, ".."+string(filepath.Separator))
}

// walk returns the .go files of directory root, and of the directories
// below it when recursive (the pattern "root/..."). Like the go command it skips testdata, vendor and directories
// whose names begin with "." or "_", and nested modules; unlike it, it needs
// no go.mod in a tidy state. Directories inside the evshim module are
// skipped as Files skips its packages.
func walk(root string, recursive bool) (files []string, skipped []Skip, err error) {
	if fi, err := os.Stat(root); err != nil {
		return nil, nil, err
	} else if !fi.IsDir() {
		return nil, nil, fmt.Errorf("%s: not a directory", root)
	}
	if mod := modulePath(root); mod == Module {
		return nil, []Skip{{Path: root, Reason: "part of evshim, which uses the standard library on purpose"}}, nil
	}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root {
			name := d.Name()
			if !recursive || name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		names, err := goFiles(path)
		files = append(files, names...)
		return err
	})
	return files, skipped, err
}

// modulePath returns the module path declared by the go.mod file that
// governs dir, or "" if there is none.
func modulePath(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			return moduleDirective(data)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// moduleDirective returns the path in a go.mod file's module directive.
func moduleDirective(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p
			}
			return f[1]
		}
	}
	return ""
}
