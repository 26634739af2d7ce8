//go:build !go1.26

package httptest

// This package mirrors the standard library of Go 1.26 (the oldest Go
// release still supported), so it builds with a Go 1.26 or later toolchain.
// The module's go line stays at 1.22: requiring evshim changes neither a
// module's language version nor its GODEBUG defaults. An older toolchain
// stops here with the identifier below in its error.
var _ = evshim_needs_a_go1_26_or_later_toolchain
