package rewrite

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"strconv"
)

// InPlace swaps the imports of one Go source file for build-time patching
// (evshim build and its overlay): each import path that swaps maps, by
// Std, is replaced by its Compat path and nothing else changes. The file
// is not reformatted, so every line keeps its number and every position
// outside the import paths keeps its column: compiler errors, panics and
// stack traces of the patched copy point at the original file's lines.
//
// Unlike [Source], InPlace leaves generated and vendored files open to the
// swap, since the copy is never written back to a source tree. A file
// that imports both a package and its counterpart is still left alone,
// with the reason in Skipped: the swap would import one path twice.
func InPlace(filename string, src []byte, swaps []Swap) (*Result, error) {
	res := &Result{Path: filename, Out: src}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths[p] = true
		}
	}
	for _, s := range swaps {
		if paths[s.Std] && paths[s.Compat] {
			res.Skipped = fmt.Sprintf("imports both %s and %s", s.Std, s.Compat)
			return res, nil
		}
	}

	var buf bytes.Buffer
	last := 0
	for _, imp := range f.Imports {
		from, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		to := ""
		for _, s := range swaps {
			if s.Std == from {
				to = s.Compat
			}
		}
		if to == "" {
			continue
		}
		c := Change{Line: fset.Position(imp.Pos()).Line, From: from, To: to}
		if imp.Name != nil {
			c.Name = imp.Name.Name
		}
		res.Changes = append(res.Changes, c)
		start, end := fset.Position(imp.Path.Pos()).Offset, fset.Position(imp.Path.End()).Offset
		buf.Write(src[last:start])
		buf.WriteString(strconv.Quote(to))
		last = end
	}
	if len(res.Changes) == 0 {
		return res, nil
	}
	buf.Write(src[last:])
	res.Out = buf.Bytes()
	return res, nil
}
