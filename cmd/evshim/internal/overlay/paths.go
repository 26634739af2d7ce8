package overlay

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
)

// copyName matches a patched copy's file name as the go command prints it
// in a compile error, with the path before it: the cache key, a dash and
// the original's base name.
var copyName = regexp.MustCompile(`[^\s:"']*[0-9a-f]{64}-[^\s:"'/]+\.go`)

// modCopyDir matches the directory of a module copy (see modcache.go) at
// the start of a path, with the path before it: "mod/", the key, "/".
var modCopyDir = regexp.MustCompile(`[^\s:"']*mod/([0-9a-f]{32})/`)

// Originals returns a writer that passes the go command's output to w with
// the path of every patched copy replaced by its original's, so that a
// compile error in a patched file names the file the user knows (the
// lines and columns are the original's already). It works on whole lines;
// Close writes a last line that lacks a newline.
func (res *Result) Originals(w io.Writer) io.WriteCloser {
	return &originals{w: w, orig: res.copies(), mods: res.modDirs}
}

// copies maps each patched copy's base name to its original's path.
func (res *Result) copies() map[string]string {
	orig := map[string]string{}
	for _, p := range res.Patched {
		for _, f := range p.Files {
			orig[filepath.Base(f.Copy)] = f.Path
		}
	}
	return orig
}

type originals struct {
	w    io.Writer
	orig map[string]string // copy's base name -> original path
	mods map[string]string // module copy's key -> the module's directory
	buf  []byte            // an incomplete last line
}

func (o *originals) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	i := bytes.LastIndexByte(o.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := o.w.Write(o.replace(o.buf[:i+1])); err != nil {
		return 0, err
	}
	o.buf = append(o.buf[:0], o.buf[i+1:]...)
	return len(p), nil
}

func (o *originals) replace(b []byte) []byte {
	if len(o.orig) > 0 {
		b = copyName.ReplaceAllFunc(b, func(m []byte) []byte {
			if path, ok := o.orig[filepath.Base(string(m))]; ok {
				return []byte(path)
			}
			return m
		})
	}
	if len(o.mods) > 0 {
		b = modCopyDir.ReplaceAllFunc(b, func(m []byte) []byte {
			key := modCopyDir.FindSubmatch(m)[1]
			if dir, ok := o.mods[string(key)]; ok {
				return []byte(dir + string(filepath.Separator))
			}
			return m
		})
	}
	return b
}

// Close writes what is left of the output.
func (o *originals) Close() error {
	if len(o.buf) == 0 {
		return nil
	}
	_, err := o.w.Write(o.replace(o.buf))
	o.buf = nil
	return err
}
