// Package shimtest implements the conformance suites that every
// implementation of evshim's compat APIs, the standard library included,
// must pass, and renders the coverage matrix into COMPAT.md.
//
// Each Case runs once per Impl: "std" (the standard library, which must
// pass every case: a case it fails is a bug in the case) and "compat"
// (evshim). A case returns an observation of what it saw (error shapes,
// byte counts, addresses' kinds), and the harness compares the two
// implementations' observations with go-cmp, so every case is also a
// differential test. For the compat run the harness snapshots the loop's
// counters before and after: a matrix row marked cooperative is proven only
// by cases during which the loop did work.
//
// Regenerate COMPAT.md with:
//
//	go generate ./shimtest
package shimtest

//go:generate go test -run=^TestCompatMatrix$ -generate
