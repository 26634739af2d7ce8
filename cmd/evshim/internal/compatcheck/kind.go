package compatcheck

import (
	"fmt"
	"strings"
)

// Kind is a set of finding kinds.
type Kind uint8

const (
	// Imports reports direct imports of net, net/http and os/signal.
	Imports Kind = 1 << iota
	// Calls reports calls of functions and methods that the matrix marks
	// Delegated, unless they do no I/O, or Unsupported.
	Calls
	// Assertions reports assertions and conversions to standard library
	// types that the compat packages replace.
	Assertions

	// AllKinds is every kind.
	AllKinds = Imports | Calls | Assertions
)

var kindNames = []struct {
	k    Kind
	name string
}{
	{Imports, "imports"},
	{Calls, "calls"},
	{Assertions, "assertions"},
}

// String returns the kinds as a comma-separated list, as -only takes them.
func (k Kind) String() string {
	var names []string
	for _, kn := range kindNames {
		if k&kn.k != 0 {
			names = append(names, kn.name)
		}
	}
	return strings.Join(names, ",")
}

// Set parses a comma-separated list of kind names; it implements
// [flag.Value].
func (k *Kind) Set(s string) error {
	var set Kind
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, kn := range kindNames {
			if name == kn.name {
				set |= kn.k
				found = true
			}
		}
		if !found {
			return fmt.Errorf("unknown finding kind %q (want imports, calls or assertions)", name)
		}
	}
	*k = set
	return nil
}
