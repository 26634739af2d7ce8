package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
)

// A Change records one import whose path was swapped.
type Change struct {
	Line int    `json:"line"`           // line of the import in the input
	Name string `json:"name,omitempty"` // local name as written ("_", "."), if any
	From string `json:"from"`           // import path before the swap
	To   string `json:"to"`             // import path after the swap
}

// A Result is the outcome of swapping the imports of one file.
type Result struct {
	// Path names the file, as given to Source.
	Path string `json:"path"`
	// Out is the file's new content; it equals the input when Changes is
	// empty.
	Out []byte `json:"-"`
	// Changes lists the swapped imports in source order.
	Changes []Change `json:"changes,omitempty"`
	// Reformatted reports whether the input was not gofmt-clean, so that Out
	// differs from it by more than the swap and a later swap back yields
	// the gofmt-formatted input rather than the input itself.
	Reformatted bool `json:"reformatted,omitempty"`
	// Inexact reports that swapping back will not restore this file's
	// import layout byte for byte, although the swap itself is right: its
	// swapped imports sit in a group of their own after the standard
	// library's group, which is also where the rewrite puts imports that
	// it moves out of a lone standard library group, and the revert moves
	// those back. Only a rewrite (ToCompat) sets it.
	Inexact bool `json:"inexact,omitempty"`
	// Skipped, when not empty, says why a file that has imports to swap was
	// left alone.
	Skipped string `json:"skipped,omitempty"`
}

// Changed reports whether Out differs from the input.
func (r *Result) Changed() bool { return len(r.Changes) > 0 }

// Source swaps the imports of one Go source file in direction d. filename is
// used for positions in errors and for the vendor rule.
//
// A file without imports to swap is returned unchanged without being fully
// parsed, so that running over a large tree, and especially reverting it,
// stays cheap. Syntax errors in the import section are returned as
// [scanner.ErrorList].
func Source(filename string, src []byte, d Direction) (*Result, error) {
	return source(filename, src, d, true)
}

// source is Source. Unless verify is set, it keeps every regrouping
// unchecked: the revert always does, and the rewrite checks its layout
// against the revert.
func source(filename string, src []byte, d Direction, verify bool) (*Result, error) {
	res := &Result{Path: filename, Out: src}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, err
	}

	type edit struct {
		start, end int // byte offsets of the path literal in src
		lit        string
	}
	var edits []edit
	for _, imp := range f.Imports {
		from, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue // the parser accepted it, so this does not happen
		}
		to, ok := d.target(from)
		if !ok {
			continue
		}
		c := Change{Line: fset.Position(imp.Pos()).Line, From: from, To: to}
		if imp.Name != nil {
			c.Name = imp.Name.Name
		}
		res.Changes = append(res.Changes, c)
		edits = append(edits, edit{
			start: fset.Position(imp.Path.Pos()).Offset,
			end:   fset.Position(imp.Path.End()).Offset,
			lit:   strconv.Quote(to),
		})
	}
	if len(edits) == 0 {
		return res, nil
	}

	if why := skipReason(filename, f); why != "" {
		res.Changes, res.Skipped = nil, why
		return res, nil
	}

	var buf bytes.Buffer
	last := 0
	moved := map[string]bool{}
	for i, e := range edits {
		buf.Write(src[last:e.start])
		buf.WriteString(e.lit)
		last = e.end
		moved[res.Changes[i].To] = true
	}
	buf.Write(src[last:])

	// format.Source sorts each run of imports as gofmt does, which is what
	// makes the swap exact in reverse: sorting the swapped-back paths
	// restores the order that the gofmt-clean input had.
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: formatting after the swap: %w", filename, err)
	}
	clean, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	res.Out = out
	res.Reformatted = !bytes.Equal(clean, src)

	// Then each swapped import moves to the group of its kind, as goimports
	// groups them: compat imports with the other non-standard ones, the
	// standard library's with the standard library's (see regroup). The
	// revert always moves; the rewrite keeps the move only when the revert
	// restores the gofmt-clean input exactly, and otherwise leaves the
	// imports where they were, sorted into their groups, which the revert
	// undoes too except in the layout that Inexact describes.
	grouped := regroup(out, moved, d == ToCompat)
	if d == ToStd || !verify {
		if grouped != nil {
			res.Out = grouped
		}
		return res, nil
	}
	restores := func(cand []byte) bool {
		back, err := source(filename, cand, ToStd, false)
		return err == nil && bytes.Equal(back.Out, clean)
	}
	switch {
	case grouped != nil && restores(grouped):
		res.Out = grouped
	case !restores(out):
		res.Inexact = true
	}
	return res, nil
}

// skipReason returns why a file with imports to swap must be left alone, or
// "" when it may be rewritten.
func skipReason(filename string, f *ast.File) string {
	if ast.IsGenerated(f) {
		return "generated file"
	}
	if isVendored(filepath.Dir(filename)) {
		return "vendored file"
	}
	paths := map[string]bool{}
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths[p] = true
		}
	}
	for _, s := range Swaps {
		if paths[s.Std] && paths[s.Compat] {
			// Swapping would leave two imports of one path, and nothing
			// would record which of them was swapped.
			return fmt.Sprintf("imports both %s and %s", s.Std, s.Compat)
		}
	}
	return ""
}

// SkipReason returns why [Source] leaves the file alone although it has
// imports to swap ("generated file", "vendored file", "imports both net
// and github.com/evshim/evshim/compat/net"), or "" when Source would swap
// them. f needs only its imports and comments, as parser.ImportsOnly with
// parser.ParseComments gives them; filename is used for the vendor rule.
func SkipReason(filename string, f *ast.File) string { return skipReason(filename, f) }
