package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

// module is the evshim module's path; its packages are never patched.
const module = rewrite.Module

// httptestSwap is the swap for net/http/httptest, used when the compat
// module in the build has the package.
var httptestSwap = rewrite.Swap{Std: "net/http/httptest", Compat: module + "/compat/http/httptest"}

// Options configures [Load].
type Options struct {
	// Dir is the directory the go command runs in; "" is the current one.
	Dir string
	// Env is the go command's environment; nil is this process's.
	Env []string
	// Flags are go build flags that shape the build graph (-tags, -mod,
	// -modfile, -race, ...), passed to "go list".
	Flags []string
	// Patterns are the packages to build, as the go command takes them.
	Patterns []string
	// Tests includes the test files of the packages that Patterns match
	// (go list -test), as go test and go vet compile them.
	Tests bool
	// Skip lists the -skip patterns: packages that match one stay
	// unpatched.
	Skip []string
	// CacheDir holds the copies and overlay files; "" is DefaultCacheDir.
	CacheDir string
}

// A Result describes one overlay.
type Result struct {
	// File is the overlay file's path, for "go build -overlay=File". It is
	// named by its content's hash, so an unchanged build gets the same file.
	File string `json:"file"`
	// Modfile, when set, is a go.mod for "go build -modfile=Modfile" that
	// points the module cache's patched modules at their patched copies;
	// the go command refuses overlays of module cache files.
	Modfile string `json:"modfile,omitempty"`
	// Patched lists the packages with at least one patched file, sorted.
	Patched []Package `json:"patched"`
	// Left lists the packages that import a swapped package and stay
	// unpatched, wholly or in part, with the reason.
	Left []Left `json:"left,omitempty"`
	// OffLoop lists the standard library packages in the build that
	// connect, listen or serve by themselves.
	OffLoop []OffLoop `json:"off_loop,omitempty"`
	// Swaps is the swap list used: rewrite.Swaps, and net/http/httptest
	// when the compat module in the build has it.
	Swaps []rewrite.Swap `json:"swaps"`
	// Rewritten counts the files whose imports were rewritten in this run;
	// Reused counts those whose outcome came from the cache.
	Rewritten int `json:"rewritten"`
	Reused    int `json:"reused"`
	// Packages counts the packages in the build graph.
	Packages int `json:"packages"`

	// imports maps each package outside the standard library to its
	// imports, for Diagnose.
	imports map[string][]string
	// modDirs maps the key (base name) of each module copy's directory to
	// the module's directory in the module cache, for Originals.
	modDirs map[string]string
}

// A Package is one patched package.
type Package struct {
	Path  string `json:"path"`
	Why   string `json:"why"` // the swapped imports: "imports net, net/http"
	Files []File `json:"files"`
}

// A File is one patched file.
type File struct {
	Path    string           `json:"path"` // the original
	Copy    string           `json:"copy"` // the patched copy the overlay points at
	Changes []rewrite.Change `json:"changes"`
}

// A Left is a package that imports a swapped package and keeps it.
type Left struct {
	Path   string `json:"path"`
	File   string `json:"file,omitempty"` // set when only this file is left
	Reason string `json:"reason"`
}

// A RequireError reports that the build graph cannot resolve the compat
// packages that the patched code imports.
type RequireError struct {
	Detail string // the go command's words
	Get    string // the go get command that adds the requirement
}

func (e *RequireError) Error() string {
	return fmt.Sprintf("the patched packages import evshim's compat packages, which this module's build cannot resolve:\n\t%s\nadd them to the module with:\n\t%s",
		strings.ReplaceAll(e.Detail, "\n", "\n\t"), e.Get)
}

// Load lists the build graph of opts.Patterns, patches what it must into
// the cache and writes the overlay file. A *RequireError means that the
// main module must require github.com/evshim/evshim first.
func Load(opts Options) (*Result, error) {
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		dir = wd
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	var skips []skipPattern
	for _, s := range opts.Skip {
		sp, err := compileSkip(s, dir)
		if err != nil {
			return nil, fmt.Errorf("-skip %s: %w", s, err)
		}
		skips = append(skips, sp)
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		cacheDir = d
	}

	// The user's graph and the compat packages' resolution are two go
	// commands, run at once: the second costs no wall time.
	var compat []*listedPackage
	var compatErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		args := append(append([]string{"-deps"}, opts.Flags...), module+"/compat/net", module+"/compat/http", module+"/compat/signal", httptestSwap.Compat)
		compat, compatErr = goList(dir, env, args...)
	}()
	args := []string{"-deps"}
	if opts.Tests {
		args = append(args, "-test")
	}
	args = append(append(args, opts.Flags...), opts.Patterns...)
	pkgs, err := goList(dir, env, args...)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	mods := map[string]*modCopy{} // "path version" -> what to copy

	res := &Result{Swaps: append([]rewrite.Swap(nil), rewrite.Swaps...), Packages: len(pkgs), imports: map[string][]string{}, modDirs: map[string]string{}}
	requireErr := compatErr
	if compatErr == nil {
		requireErr = checkCompat(compat)
		if hasPackage(compat, httptestSwap.Compat) && !hasSwap(res.Swaps, httptestSwap.Std) {
			res.Swaps = append(res.Swaps, httptestSwap)
		}
	}
	// The compat packages' own dependencies (gnet, zap, x/net, ...) stay
	// as they are: patched, one that imports net/http would import
	// compat/http, which imports it back.
	compatDeps := map[string]bool{}
	for _, p := range compat {
		if !p.Standard {
			compatDeps[p.ImportPath] = true
		}
	}
	swapped := map[string]bool{}
	for _, s := range res.Swaps {
		swapped[s.Std] = true
	}

	c, err := newCache(cacheDir, res.Swaps)
	if err != nil {
		return nil, err
	}
	replace := map[string]string{}
	seen := map[string]bool{} // files already patched or found unchanged
	patched := map[string]*Package{}
	left := map[string]bool{}           // "path\x00file" already reported
	stdImports := map[string][]string{} // standard library package -> imports
	userImports := map[string][]string{}
	for _, p := range pkgs {
		if p.Standard {
			stdImports[p.ImportPath] = p.Imports
		}
	}
	for _, p := range pkgs {
		name := p.name()
		if p.Standard || evshimOwn(name) {
			continue
		}
		res.imports[name] = append(res.imports[name], p.Imports...)
		var uses []string
		for _, imp := range p.Imports {
			if swapped[imp] {
				uses = append(uses, imp)
			}
		}
		if len(uses) == 0 {
			if !compatDeps[name] {
				userImports[name] = append(userImports[name], p.Imports...)
			}
			continue
		}
		if compatDeps[name] {
			if !left[name] {
				left[name] = true
				res.Left = append(res.Left, Left{Path: name, Reason: "a dependency of evshim's compat packages: patched, it would import itself through them"})
			}
			continue
		}
		if sp, ok := matchSkip(skips, name, p.Dir); ok {
			if !left[name] {
				left[name] = true
				res.Left = append(res.Left, Left{Path: name, Reason: "-skip " + sp})
			}
			userImports[name] = append(userImports[name], p.Imports...)
			continue
		}
		kept := map[string]bool{}
		for _, f := range append(append([]string(nil), p.GoFiles...), p.CgoFiles...) {
			if filepath.IsAbs(f) {
				// Made by the go command, in its cache: a test's main.
				continue
			}
			path := filepath.Join(p.Dir, f)
			if seen[path] { // a test variant lists its package's files again
				continue
			}
			seen[path] = true
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			cp, e, reused, err := c.patch(path, src, res.Swaps)
			if err != nil {
				return nil, err
			}
			if reused {
				res.Reused++
			} else {
				res.Rewritten++
			}
			if e.Skipped != "" {
				if k := name + "\x00" + path; !left[k] {
					left[k] = true
					res.Left = append(res.Left, Left{Path: name, File: path, Reason: e.Skipped})
				}
				for _, u := range uses {
					kept[u] = true
				}
			}
			if cp == "" {
				continue
			}
			if inCache(p.Module) {
				mp, mv, md := moduleOf(p.Module)
				k := mp + " " + mv
				if mods[k] == nil {
					mods[k] = &modCopy{path: mp, version: mv, dir: md, pkgs: map[string][]string{}, patched: map[string]string{}}
				}
				mods[k].patched[path] = cp
			} else {
				replace[path] = cp
			}
			pp := patched[name]
			if pp == nil {
				pp = &Package{Path: name}
				patched[name] = pp
			}
			pp.Files = append(pp.Files, File{Path: path, Copy: cp, Changes: e.Changes})
		}
		for _, imp := range p.Imports {
			if !swapped[imp] || kept[imp] {
				userImports[name] = append(userImports[name], imp)
			}
		}
	}
	for _, pp := range patched {
		pp.Why = "imports " + strings.Join(why(pp.Files), ", ")
		res.Patched = append(res.Patched, *pp)
	}
	sort.Slice(res.Patched, func(i, j int) bool { return res.Patched[i].Path < res.Patched[j].Path })
	sort.SliceStable(res.Left, func(i, j int) bool { return res.Left[i].Path < res.Left[j].Path })
	res.OffLoop = offLoop(stdImports, userImports, swapped)

	if len(res.Patched) > 0 && requireErr != nil {
		return res, requireErr
	}
	if len(mods) > 0 {
		goenv, err := goEnv(dir, env, "GOMOD", "GOWORK")
		if err != nil {
			return nil, err
		}
		// The copies hold the packages of the patched build: the user's
		// graph and, new in it, the compat packages' dependencies (x/net's
		// httpguts for compat/http).
		all := append(append([]*listedPackage(nil), pkgs...), compat...)
		if res.Modfile, err = res.modcacheCopies(all, mods, cacheDir, goenv, opts.Flags); err != nil {
			return nil, err
		}
	}
	file, err := writeOverlay(cacheDir, replace)
	if err != nil {
		return nil, err
	}
	res.File = file
	return res, nil
}

// modcacheCopies copies the modules of mods, with every package of theirs
// in the build graph, and writes the go.mod that replaces each with its
// copy. It returns the go.mod's path.
func (res *Result) modcacheCopies(pkgs []*listedPackage, mods map[string]*modCopy, cacheDir string, goenv map[string]string, flags []string) (string, error) {
	if w := goenv["GOWORK"]; w != "" && w != "off" {
		return "", fmt.Errorf("patching packages of the module cache needs -modfile, which workspace mode (%s) does not allow: run with GOWORK=off, or -skip those packages", w)
	}
	gomod := goenv["GOMOD"]
	for _, f := range flags {
		if v, ok := strings.CutPrefix(f, "-modfile="); ok {
			gomod = v
		}
	}
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("patching packages of the module cache needs a main module's go.mod")
	}
	for _, p := range pkgs {
		if p.Standard || !inCache(p.Module) {
			continue
		}
		mp, mv, _ := moduleOf(p.Module)
		if mc := mods[mp+" "+mv]; mc != nil {
			mc.pkgs[p.Dir] = p.EmbedFiles
		}
	}
	copies := map[string]string{}
	for k, mc := range mods {
		d, err := mc.build(cacheDir)
		if err != nil {
			return "", fmt.Errorf("copying %s: %w", k, err)
		}
		copies[k] = d
		res.modDirs[filepath.Base(d)] = mc.dir
	}
	return writeModfile(cacheDir, gomod, copies)
}

// why returns the standard library packages that files' changes swapped
// away, sorted and without repeats.
func why(files []File) []string {
	set := map[string]bool{}
	for _, f := range files {
		for _, ch := range f.Changes {
			set[ch.From] = true
		}
	}
	var out []string
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func matchSkip(skips []skipPattern, path, dir string) (string, bool) {
	for _, sp := range skips {
		if sp.match(path, dir) {
			return sp.text, true
		}
	}
	return "", false
}

func hasSwap(swaps []rewrite.Swap, std string) bool {
	for _, s := range swaps {
		if s.Std == std {
			return true
		}
	}
	return false
}

func hasPackage(pkgs []*listedPackage, path string) bool {
	for _, p := range pkgs {
		if p.ImportPath == path && p.Error == nil {
			return true
		}
	}
	return false
}

// checkCompat returns a *RequireError when the listing of the compat
// packages (and their dependencies) has errors, other than the absence of
// compat/http/httptest, which only older evshim versions lack.
func checkCompat(pkgs []*listedPackage) error {
	var msgs []string
	for _, p := range pkgs {
		if p.Error == nil || p.ImportPath == httptestSwap.Compat {
			continue
		}
		msgs = append(msgs, strings.TrimSpace(p.Error.Err))
	}
	if len(msgs) == 0 {
		return nil
	}
	get := "go get"
	for _, s := range rewrite.Swaps {
		get += " " + s.Compat + "@" + Version()
	}
	return &RequireError{Detail: strings.Join(msgs, "\n"), Get: get}
}

// writeOverlay writes the overlay file for replace into dir, named by the
// hash of its content, and returns its path. encoding/json writes map keys
// sorted, so equal maps give equal files.
func writeOverlay(dir string, replace map[string]string) (string, error) {
	b, err := json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "\t")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	path := filepath.Join(dir, "overlays", hex.EncodeToString(sum[:16])+".json")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, writeOnce(path, b)
}
