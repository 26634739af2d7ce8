package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The go command refuses an overlay that replaces a file in the module
// cache ("Files beneath GOMODCACHE must not be replaced"). A module from
// the cache with a package to patch is therefore copied: the directories
// of its packages in the build graph, with the patched files in place of
// the originals, go into the evshim cache, and a go.mod given to the go
// command with -modfile replaces the module's version with that copy.
// The copy is keyed by the module, the set of package directories and the
// patched copies' content keys, so an unchanged build reuses it, at an
// unchanged path, and the go build cache hits.

// modCopy collects what to copy of one module from the module cache.
type modCopy struct {
	path, version string
	dir           string              // the module's root in the module cache
	pkgs          map[string][]string // package directory -> its embedded files, relative to it
	patched       map[string]string   // original file -> patched copy
}

// inCache reports whether the packages of module m come from the module
// cache: m is a dependency resolved to a version, itself or through a
// replacement by another version, and not vendored (a vendored module has
// no Dir). A replacement by a directory is not in the cache.
func inCache(m *listedModule) bool {
	if m == nil || m.Main || m.Dir == "" {
		return false
	}
	return m.Replace == nil || m.Replace.Version != ""
}

// moduleOf returns the module path, version and root directory that a
// package of the module cache comes from, following a replacement by
// another module version.
func moduleOf(m *listedModule) (path, version, dir string) {
	if m.Replace != nil {
		return m.Path, m.Version, m.Replace.Dir
	}
	return m.Path, m.Version, m.Dir
}

// build writes the copy into cacheDir, unless it is there already, and
// returns its directory.
func (mc *modCopy) build(cacheDir string) (string, error) {
	var dirs []string
	for d := range mc.pkgs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var patched []string
	for orig, cp := range mc.patched {
		patched = append(patched, orig+"\x00"+filepath.Base(cp)) // the copy's name holds its content key
	}
	sort.Strings(patched)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s@%s\x00%s\x00%s", swapVersion, mc.path, mc.version, strings.Join(dirs, "\x00"), strings.Join(patched, "\x00"))
	key := hex.EncodeToString(h.Sum(nil))[:32]
	dest := filepath.Join(cacheDir, "mod", key)
	if _, err := os.Stat(filepath.Join(dest, "go.mod")); err == nil {
		return dest, nil
	}

	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dest), ".tmp-"+key+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // what is left of it after the rename, if it fails
	for _, d := range dirs {
		rel, err := filepath.Rel(mc.dir, d)
		if err != nil || !filepath.IsLocal(rel) && rel != "." {
			return "", fmt.Errorf("package directory %s is outside its module %s", d, mc.dir)
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			return "", err
		}
		names := append([]string(nil), mc.pkgs[d]...)
		for _, e := range ents {
			if e.Type().IsRegular() {
				names = append(names, e.Name())
			}
		}
		for _, n := range names {
			src := filepath.Join(d, n)
			if cp, ok := mc.patched[src]; ok {
				src = cp
			}
			if err := copyFile(src, filepath.Join(tmp, rel, n)); err != nil {
				return "", err
			}
		}
	}
	// go.mod last: its presence marks a complete copy.
	gomod, err := os.ReadFile(filepath.Join(mc.dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		gomod, err = []byte("module "+mc.path+"\n"), nil
	}
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), gomod, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dest); err != nil {
		// Another evshim made the same copy first.
		if _, serr := os.Stat(filepath.Join(dest, "go.mod")); serr == nil {
			return dest, nil
		}
		return "", err
	}
	return dest, nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// writeModfile writes a go.mod for -modfile: the main module's (gomod),
// with replace directives from each copied module version to its copy,
// and the go.sum beside it, both named by the hash of their content. It
// returns the go.mod's path.
func writeModfile(cacheDir, gomod string, copies map[string]string) (string, error) {
	mod, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(strings.TrimSuffix(gomod, ".mod") + ".sum")
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	var lines []string
	for modVersion, dir := range copies {
		lines = append(lines, fmt.Sprintf("replace %s => %s\n", modVersion, dir))
	}
	sort.Strings(lines)
	out := append([]byte(nil), mod...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	out = append(out, "\n// Added by evshim: patched copies of module cache packages.\n"...)
	out = append(out, strings.Join(lines, "")...)
	h := sha256.New()
	h.Write(out)
	h.Write([]byte{0})
	h.Write(sum)
	base := filepath.Join(cacheDir, "modfile", hex.EncodeToString(h.Sum(nil))[:32])
	if _, err := os.Stat(base + ".mod"); err == nil {
		return base + ".mod", nil
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return "", err
	}
	if err := writeOnce(base+".sum", sum); err != nil {
		return "", err
	}
	return base + ".mod", writeOnce(base+".mod", out)
}
