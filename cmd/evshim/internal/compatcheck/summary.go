package compatcheck

import (
	"cmp"
	"fmt"
	"slices"
)

// summary is the package fact that carries findings across package
// boundaries. A package's summary covers the package and everything it
// imports, transitively, so that an importer reads only its direct imports'
// summaries: under go vet, a package sees no other package facts.
//
// A summary is written once, by the pass over its package, and is
// read-only afterwards. Its fields are exported for gob.
type summary struct {
	// Imports lists the packages, outside the standard library and evshim,
	// that import a mirrored package directly.
	Imports []depImport
	// Asserts lists the assertions and conversions in those packages to a
	// concrete type of a mirrored package. Whether the type is one that a
	// compat package replaces is decided by the importer, which may see
	// compat packages that the asserting package does not.
	Asserts []depAssert
	// Owned lists the types that the compat packages in the closure
	// declare themselves instead of aliasing the standard library's.
	Owned []stdType
}

// depImport records that package Pkg imports Std directly.
type depImport struct{ Pkg, Std string }

// depAssert records an assertion or conversion in package Pkg, at Pos
// ("file.go:12"), to the standard library type Type.
type depAssert struct {
	Pkg, Pos string
	Type     stdType
	Pointer  bool // the target is *Type
}

// stdType names a type of a mirrored standard library package.
type stdType struct{ Pkg, Name string }

func (*summary) AFact() {}

func (s *summary) String() string {
	return fmt.Sprintf("summary(imports=%d asserts=%d owned=%d)", len(s.Imports), len(s.Asserts), len(s.Owned))
}

// merge adds o's entries to s, keeping each list sorted and free of
// duplicates so that facts are deterministic.
func (s *summary) merge(o *summary) {
	s.Imports = union(s.Imports, o.Imports, func(a, b depImport) int {
		return cmp.Or(cmp.Compare(a.Pkg, b.Pkg), cmp.Compare(a.Std, b.Std))
	})
	s.Asserts = union(s.Asserts, o.Asserts, compareAssert)
	s.Owned = union(s.Owned, o.Owned, compareType)
}

func compareType(a, b stdType) int {
	return cmp.Or(cmp.Compare(a.Pkg, b.Pkg), cmp.Compare(a.Name, b.Name))
}

func compareAssert(a, b depAssert) int {
	return cmp.Or(cmp.Compare(a.Pkg, b.Pkg), cmp.Compare(a.Pos, b.Pos), compareType(a.Type, b.Type))
}

// union returns the sorted, duplicate-free union of a and b.
func union[T any](a, b []T, compare func(T, T) int) []T {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, compare)
	return slices.CompactFunc(out, func(x, y T) bool { return compare(x, y) == 0 })
}
