package rewrite

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// regroup moves the imports whose paths are in moved, in src (gofmt-clean,
// just swapped), to the import group of their kind, as goimports groups
// imports: a compat import (toCompat) to the first group holding only
// non-standard imports, or to a new group after its own when there is
// none; a standard library import to the first group holding only standard
// library ones, or to a new group at the top of the block. An import stays
// where it is when its group already holds imports of its kind, when it
// has a comment above it, when there is nowhere to go without leaving its
// group empty, and outside parenthesized blocks with one import a line.
// On revert, a group holding only compat imports stays: the rewrite makes
// one only when moving could not be undone, so [Source] keeps the compat
// imports in the standard library's group when it is the only group.
// regroup returns the formatted result, or nil when nothing moved.
func regroup(src []byte, moved map[string]bool, toCompat bool) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil
	}
	lines := strings.SplitAfter(string(src), "\n")
	changed := false
	// Blocks are rebuilt from the last to the first, so that earlier
	// blocks' line numbers stay valid.
	for i := len(f.Decls) - 1; i >= 0; i-- {
		gd, ok := f.Decls[i].(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() {
			continue
		}
		first, last := fset.Position(gd.Lparen).Line, fset.Position(gd.Rparen).Line
		body, ok := regroupBlock(fset, gd, lines[first:last-1], first+1, moved, toCompat)
		if !ok {
			continue
		}
		lines = append(lines[:first], append(body, lines[last-1:]...)...)
		changed = true
	}
	if !changed {
		return nil
	}
	out, err := format.Source([]byte(strings.Join(lines, "")))
	if err != nil {
		return nil
	}
	return out
}

// an importLine is one line of an import block's body.
type importLine struct {
	text string
	path string // the import path of the spec on the line; "" for a comment
	doc  bool   // the spec has a comment above it
}

// regroupBlock returns the new body of one import block, whose body lines
// are body, the first of them line number firstLine, and whether anything
// moved.
func regroupBlock(fset *token.FileSet, gd *ast.GenDecl, body []string, firstLine int, moved map[string]bool, toCompat bool) ([]string, bool) {
	specs := map[int]*ast.ImportSpec{}
	for _, s := range gd.Specs {
		is := s.(*ast.ImportSpec)
		start, end := fset.Position(is.Pos()).Line, fset.Position(is.End()).Line
		if start != end || specs[start] != nil || start < firstLine || start >= firstLine+len(body) {
			return nil, false // not one import a line
		}
		specs[start] = is
	}
	// Groups are the runs of non-blank lines.
	var groups [][]importLine
	var cur []importLine
	for i, text := range body {
		if strings.TrimSpace(text) == "" {
			if cur != nil {
				groups = append(groups, cur)
				cur = nil
			}
			continue
		}
		l := importLine{text: text}
		if is := specs[firstLine+i]; is != nil {
			l.path, _ = strconv.Unquote(is.Path.Value)
			l.doc = is.Doc != nil
		}
		cur = append(cur, l)
	}
	if cur != nil {
		groups = append(groups, cur)
	}

	// kind reports whether path is of the kind the moved imports now are.
	kind := func(path string) bool { return isStdPath(path) != toCompat }
	// only reports whether g holds imports, all of the moved kind.
	only := func(g []importLine) bool {
		n := 0
		for _, l := range g {
			if l.path != "" {
				if !kind(l.path) {
					return false
				}
				n++
			}
		}
		return n > 0
	}
	movedAny := false
	for gi := 0; gi < len(groups); gi++ {
		for li := 0; li < len(groups[gi]); li++ {
			l := groups[gi][li]
			if !moved[l.path] || l.doc {
				continue
			}
			rest := append(append([]importLine{}, groups[gi][:li]...), groups[gi][li+1:]...)
			// Only the group's other imports that are not moving decide.
			settledKind, settledOther, comments := 0, 0, 0
			for _, o := range rest {
				switch {
				case o.path == "":
					comments++
				case moved[o.path]:
				case kind(o.path):
					settledKind++
				default:
					settledOther++
				}
			}
			if settledKind > 0 || settledOther == 0 && comments > 0 {
				continue // at home in this group, or in a group of comments
			}
			dest := -1
			for hi, h := range groups {
				if hi != gi && only(h) {
					dest = hi
					break
				}
			}
			if settledOther == 0 && !toCompat {
				// A group of compat imports alone goes back into the
				// standard library's group only where the rewrite makes
				// such a group: last, after the one standard library
				// group it came from.
				if gi != len(groups)-1 || gi == 0 || !only(groups[gi-1]) {
					continue
				}
				dest = gi - 1
			}
			if settledOther == 0 && dest < 0 {
				continue // a new group would hold what this one holds
			}
			groups[gi] = rest
			switch {
			case dest >= 0:
				groups[dest] = append(groups[dest], l)
			case toCompat:
				// There is no group of other domains' imports: a new one
				// goes last, as goimports would put it.
				groups = append(groups, []importLine{l})
			default:
				groups = append([][]importLine{{l}}, groups...)
				gi++
			}
			movedAny = true
			li--
		}
	}
	if !movedAny {
		return nil, false
	}
	var out []string
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		if len(out) > 0 {
			out = append(out, "\n")
		}
		for _, l := range g {
			out = append(out, l.text)
		}
	}
	return out, true
}

// isStdPath reports whether an import path names a standard library
// package: its first element has no dot, as goimports decides.
func isStdPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
