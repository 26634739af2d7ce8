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
	stdPool := []string{"fmt", "net", "net/http", "net/http/httptest", "os/signal", "strings"}
	otherPool := []string{"example.com/a", "example.com/z", "github.com/evshim/evshim/compat/queue"}
	rng := rand.New(rand.NewSource(1))
	inexact, runs := 0, 0
	defer func() {
		// Inexact is for one rare layout, not a way out.
		if inexact*20 > runs {
			t.Errorf("%d of %d rewrites inexact", inexact, runs)
		}
	}()
	for i := 0; i < 1000; i++ {
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
			// Standard library code laid out in one or two groups of
			// the standard library's imports, then up to two groups of
			// the others, as goimports and people lay it out.
			split := func(pool []string, maxGroups int) {
				perm := rng.Perm(len(pool))[:rng.Intn(len(pool)+1)]
				groups := 1 + rng.Intn(maxGroups)
				for j, k := range perm {
					if j > 0 && rng.Intn(len(perm)) < groups-1 {
						paths = append(paths, "")
					}
					paths = append(paths, pool[k])
				}
				if len(perm) > 0 {
					paths = append(paths, "")
				}
			}
			split(stdPool, 2)
			split(otherPool, 2)
			paths = paths[:max(len(paths)-1, 0)]
		}
		if len(paths) == 0 {
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
		runs++
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
		if there.Inexact {
			inexact++
			if inexact < 4 {
				t.Logf("inexact:\n%s", src)
			}
			continue
		}
		if !bytes.Equal(back.Out, src) {
			t.Fatalf("%v then back did not restore the bytes:\n%s\n-- %v:\n%s\n-- back:\n%s", d, src, d, there.Out, back.Out)
		}
		if formatted, _ := format.Source(there.Out); !bytes.Equal(formatted, there.Out) {
			t.Fatalf("%v output is not gofmt-clean:\n%s", d, there.Out)
		}
	}
}
