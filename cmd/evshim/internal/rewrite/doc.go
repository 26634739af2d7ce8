// Package rewrite swaps a program's imports of the standard library's net,
// net/http and os/signal packages for evshim's compat packages, and back.
//
// Each compat package has the same package name as the package it mirrors,
// so swapping the import path is the whole change: every identifier in the
// file keeps resolving through the same local name, and the code compiles
// unchanged. Named, dot and blank imports keep their names.
//
// The swap is exact in both directions for gofmt-clean files: [Source] with
// [ToStd] restores, byte for byte, the file that [Source] with [ToCompat]
// was given, even where the swap moved an import within its block. A file
// that was not gofmt-clean comes out gofmt-formatted, and [Result] says so.
//
// Generated files ("Code generated ... DO NOT EDIT.") and files under a
// vendor directory are left alone, as are files that import both a package
// and its counterpart, since swapping those could not be undone.
package rewrite
