package rewrite_test

import (
	"bytes"
	"fmt"
	"go/format"
	"math/rand"
	"strings"
	"testing"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

// TestRegroupRoundTrips swaps the imports of many gofmt-clean import
// blocks and checks that the other direction restores the bytes, wherever
// the swap moved the imports: rewrite then revert on standard library
// imports laid out at random in one to four groups, and revert then
// rewrite on compat-first code laid out as goimports lays it out.
func TestRegroupRoundTrips(t *testing.T) {
	pool := []string{
		"fmt", "net", "net/http", "net/http/httptest", "os/signal", "strings",
		"example.com/a", "example.com/z", "github.com/evshim/evshim/compat/queue",
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		compatFirst := i%2 == 1
		var b strings.Builder
		b.WriteString("package p\n\nimport (\n")
		var paths []string
		if compatFirst {
			// Compat-first code laid out as goimports lays it out: the
			// standard library's group, then one group of the others.
			for _, p := range []string{"fmt", "strings"} {
				if rng.Intn(2) == 0 {
					paths = append(paths, p)
				}
			}
			if len(paths) > 0 {
				paths = append(paths, "")
			}
			others := []string{"example.com/a", "github.com/evshim/evshim/compat/queue"}
			for _, s := range rewrite.Swaps {
				others = append(others, s.Compat)
			}
			for _, p := range others {
				if rng.Intn(2) == 0 {
					paths = append(paths, p)
				}
			}
		} else {
			groups := 1 + rng.Intn(4)
			perm := rng.Perm(len(pool))[:1+rng.Intn(len(pool))]
			for j, k := range perm {
				if j > 0 && rng.Intn(len(perm)) < groups {
					paths = append(paths, "")
				}
				paths = append(paths, pool[k])
			}
		}
		if len(paths) == 0 || paths[len(paths)-1] == "" || !compatFirst && mixedGroup(paths) {
			continue
		}
		for _, path := range paths {
			if path == "" {
				b.WriteString("\n")
				continue
			}
			if rng.Intn(5) == 0 {
				fmt.Fprintf(&b, "\t%s // comment\n", fmt.Sprintf("%q", path))
			} else {
				fmt.Fprintf(&b, "\t_ %q\n", path)
			}
		}
		b.WriteString(")\n")
		src, err := format.Source([]byte(b.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		d := rewrite.ToCompat
		if compatFirst {
			d = rewrite.ToStd
		}
		there, err := rewrite.Source("p.go", src, d)
		if err != nil {
			t.Fatal(err)
		}
		back, err := rewrite.Source("p.go", there.Out, 1-d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Out, src) {
			t.Fatalf("%v then back did not restore the bytes:\n%s\n-- %v:\n%s\n-- back:\n%s", d, src, d, there.Out, back.Out)
		}
		if formatted, _ := format.Source(there.Out); !bytes.Equal(formatted, there.Out) {
			t.Fatalf("%v output is not gofmt-clean:\n%s", d, there.Out)
		}
	}
}

// mixedGroup reports whether a layout ("" separates groups) has a group in
// which swapped standard library imports share a group with other
// domains' imports but with no other standard library import: a layout
// that neither gofmt nor goimports makes, and after whose rewrite the
// revert puts the imports in the standard library's group.
func mixedGroup(paths []string) bool {
	swapped, std, other := false, false, false
	for i := 0; i <= len(paths); i++ {
		if i == len(paths) || paths[i] == "" {
			if swapped && other && !std {
				return true
			}
			swapped, std, other = false, false, false
			continue
		}
		p := paths[i]
		isSwap := false
		for _, s := range rewrite.Swaps {
			isSwap = isSwap || s.Std == p
		}
		switch {
		case isSwap:
			swapped = true
		case strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
			other = true
		default:
			std = true
		}
	}
	return false
}
