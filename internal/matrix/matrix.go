// Package matrix is evshim's coverage matrix: one row for every exported
// identifier of each mirrored standard library package (net, net/http,
// os/signal) and one for every compat/queue operation.
//
// The rows are the single source of truth. COMPAT.md is rendered from them
// (go generate ./shimtest), the tests in shimtest enforce them in both
// directions, and "evshim check" reads them to explain its findings.
package matrix

import (
	"fmt"
	"sort"
	"strings"
)

// Status says how evshim serves an identifier.
type Status int

const (
	// Cooperative: the call runs over the one event loop (internal/loop).
	// A shimtest case proves it by watching the loop's counters move.
	Cooperative Status = iota + 1
	// Partial: on the loop, with a gap that Deviation states.
	Partial
	// Delegated: the standard library's own code serves the call; it is not
	// on the loop. Reason says why that is the right choice.
	Delegated
	// Unsupported: the identifier exists so that code compiles, but it does
	// not work as the standard library's does. Reason and Deviation say how.
	Unsupported
)

func (s Status) String() string {
	switch s {
	case Cooperative:
		return "cooperative"
	case Partial:
		return "partial"
	case Delegated:
		return "delegated"
	case Unsupported:
		return "unsupported"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Row is one line of the matrix.
type Row struct {
	// Pkg is the mirrored package's import path ("net", "net/http",
	// "os/signal") or, for compat/queue, "compat/queue".
	Pkg string
	// Name is the identifier as Go code names it: "Dial", "ErrClosed",
	// "TCPConn", or "TCPConn.Read" for a method of a type evshim owns.
	Name string
	// Status says how evshim serves it.
	Status Status
	// Reason is required: why the status is what it is.
	Reason string
	// Deviation describes how the behaviour differs from the standard
	// library's; empty means none.
	Deviation string
	// Counterpart names the Python/gevent equivalent (compat/queue rows).
	Counterpart string
	// NoIO marks a Delegated function that does no I/O (a parser, a
	// constructor, a helper): it bypasses nothing, so "evshim check" does
	// not report calls to it.
	NoIO bool
	// Cases are shimtest case names that back the row. Each runs against the
	// standard library and against evshim; for a Cooperative row the harness
	// also checks that the loop's counters moved.
	Cases []string
	// Tests are Go test functions that back the row, as "dir.TestName" with
	// dir relative to the module root ("compat/queue.TestShutdown").
	Tests []string
}

// Key returns "pkg.Name", the row's unique key.
func (r Row) Key() string { return r.Pkg + "." + r.Name }

// sources holds the per-package row sets; each file of this package adds
// its own in a package-level variable initializer.
var sources []func() []Row

// register adds a row source. It is called from package-level variable
// initializers only, never at run time.
func register(f func() []Row) bool {
	sources = append(sources, f)
	return true
}

// Rows returns every row, sorted by package then name.
func Rows() []Row {
	var all []Row
	for _, f := range sources {
		all = append(all, f()...)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Pkg != all[j].Pkg {
			return all[i].Pkg < all[j].Pkg
		}
		return all[i].Name < all[j].Name
	})
	return all
}

// Lookup returns the row for pkg and name.
func Lookup(pkg, name string) (Row, bool) {
	for _, r := range Rows() {
		if r.Pkg == pkg && r.Name == name {
			return r, true
		}
	}
	return Row{}, false
}

// Packages returns the distinct Pkg values, sorted.
func Packages() []string {
	seen := map[string]bool{}
	var ps []string
	for _, r := range Rows() {
		if !seen[r.Pkg] {
			seen[r.Pkg] = true
			ps = append(ps, r.Pkg)
		}
	}
	sort.Strings(ps)
	return ps
}

// Validate reports rows that break the matrix's own rules: duplicates, a
// missing reason, a Cooperative or Partial row with nothing that proves it.
func Validate(rows []Row) []error {
	var errs []error
	seen := map[string]bool{}
	for _, r := range rows {
		k := r.Key()
		if seen[k] {
			errs = append(errs, fmt.Errorf("%s: duplicate row", k))
		}
		seen[k] = true
		if strings.TrimSpace(r.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s: no reason", k))
		}
		if r.Status < Cooperative || r.Status > Unsupported {
			errs = append(errs, fmt.Errorf("%s: invalid status %v", k, r.Status))
		}
		if (r.Status == Cooperative || r.Status == Partial) && len(r.Cases) == 0 && len(r.Tests) == 0 {
			errs = append(errs, fmt.Errorf("%s: %v but no case or test backs it", k, r.Status))
		}
		if r.NoIO && r.Status != Delegated {
			errs = append(errs, fmt.Errorf("%s: NoIO on a %v row", k, r.Status))
		}
		if r.Status == Partial && r.Deviation == "" {
			errs = append(errs, fmt.Errorf("%s: partial without a stated deviation", k))
		}
	}
	return errs
}
