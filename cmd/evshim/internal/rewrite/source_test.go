package rewrite_test

import (
	"bytes"
	"go/format"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

// fixture is one testdata/*.txtar archive: in.go is the input; compat.go,
// when present, is what a rewrite must produce; reverted.go, when present,
// is what reverting compat.go must produce (in.go when absent); skip, when
// present, is the reason the file must be left alone.
type fixture struct {
	name                   string
	in, compat, reverted   []byte
	skip                   string
	hasCompat, hasReverted bool
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var fs []fixture
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fx := fixture{name: strings.TrimSuffix(filepath.Base(p), ".txtar")}
		for _, f := range ar.Files {
			switch f.Name {
			case "in.go":
				fx.in = f.Data
			case "compat.go":
				fx.compat, fx.hasCompat = f.Data, true
			case "reverted.go":
				fx.reverted, fx.hasReverted = f.Data, true
			case "skip":
				fx.skip = strings.TrimSpace(string(f.Data))
			default:
				t.Fatalf("%s: unknown file %q", p, f.Name)
			}
		}
		if fx.in == nil || fx.hasCompat == (fx.skip != "") {
			t.Fatalf("%s: need in.go and exactly one of compat.go and skip", p)
		}
		if !fx.hasReverted {
			fx.reverted = fx.in
		}
		fs = append(fs, fx)
	}
	return fs
}

func swap(t *testing.T, src []byte, d rewrite.Direction) *rewrite.Result {
	t.Helper()
	res, err := rewrite.Source("app.go", src, d)
	if err != nil {
		t.Fatalf("%v: %v", d, err)
	}
	return res
}

// TestRoundTrip checks, for every fixture, that the rewrite produces the
// expected file, that it is gofmt-clean and idempotent, and that reverting
// restores the input byte for byte.
func TestRoundTrip(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run("fixture="+fx.name, func(t *testing.T) {
			res := swap(t, fx.in, rewrite.ToCompat)
			if fx.skip != "" {
				if res.Skipped != fx.skip || res.Changed() || !bytes.Equal(res.Out, fx.in) {
					t.Fatalf("rewrite: Skipped=%q Changed=%v, want the file left alone because %q", res.Skipped, res.Changed(), fx.skip)
				}
				return
			}
			if diff := cmp.Diff(string(fx.compat), string(res.Out)); diff != "" {
				t.Fatalf("rewrite mismatch (-want +got):\n%s", diff)
			}
			if formatted, err := format.Source(res.Out); err != nil || !bytes.Equal(formatted, res.Out) {
				t.Errorf("rewrite output is not gofmt-clean (err %v)", err)
			}
			if again := swap(t, res.Out, rewrite.ToCompat); again.Changed() || !bytes.Equal(again.Out, res.Out) {
				t.Errorf("second rewrite changed the file: %+v", again.Changes)
			}
			back := swap(t, res.Out, rewrite.ToStd)
			if diff := cmp.Diff(string(fx.reverted), string(back.Out)); diff != "" {
				t.Errorf("revert mismatch (-want +got):\n%s", diff)
			}
			if want := !fx.hasReverted; bytes.Equal(back.Out, fx.in) != want {
				t.Errorf("revert restored the input exactly: %v, want %v", !want, want)
			}
			if res.Inexact {
				t.Errorf("Inexact set for a file the revert restores")
			}
			if res.Reformatted != fx.hasReverted {
				t.Errorf("Reformatted = %v, want %v", res.Reformatted, fx.hasReverted)
			}
		})
	}
}

func TestChanges(t *testing.T) {
	src := []byte(`package app

import (
	"fmt"
	stdnet "net"
	_ "os/signal"
)

var _ = fmt.Println

var _ = stdnet.Dial
`)
	res := swap(t, src, rewrite.ToCompat)
	want := []rewrite.Change{
		{Line: 5, Name: "stdnet", From: "net", To: "github.com/evshim/evshim/compat/net"},
		{Line: 6, Name: "_", From: "os/signal", To: "github.com/evshim/evshim/compat/signal"},
	}
	if diff := cmp.Diff(want, res.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s", diff)
	}
	back := swap(t, res.Out, rewrite.ToStd)
	// The rewrite moved both into a group of their own after "fmt".
	want = []rewrite.Change{
		{Line: 6, Name: "stdnet", From: "github.com/evshim/evshim/compat/net", To: "net"},
		{Line: 7, Name: "_", From: "github.com/evshim/evshim/compat/signal", To: "os/signal"},
	}
	if diff := cmp.Diff(want, back.Changes); diff != "" {
		t.Errorf("revert Changes mismatch (-want +got):\n%s", diff)
	}
}

// TestInexact checks the one layout whose revert cannot be exact: a
// standard library import in a group of its own after the standard
// library's group reads, once swapped, as the group that the rewrite makes
// for imports it moves out of a lone standard library group.
func TestInexact(t *testing.T) {
	src := []byte("package app\n\nimport (\n\t\"strings\"\n\n\t\"net\"\n)\n\nvar _ = []any{strings.Cut, net.Dial}\n")
	res := swap(t, src, rewrite.ToCompat)
	if !res.Inexact || !res.Changed() {
		t.Fatalf("Inexact = %v, Changed = %v; want both", res.Inexact, res.Changed())
	}
	want := "package app\n\nimport (\n\t\"net\"\n\t\"strings\"\n)\n\nvar _ = []any{strings.Cut, net.Dial}\n"
	if back := swap(t, res.Out, rewrite.ToStd); string(back.Out) != want {
		t.Errorf("revert:\n%s\nwant:\n%s", back.Out, want)
	}
}

func TestVendoredFile(t *testing.T) {
	src := []byte("package lib\n\nimport \"net\"\n\nvar _ = net.Dial\n")
	res, err := rewrite.Source(filepath.Join("vendor", "example.com", "lib", "lib.go"), src, rewrite.ToCompat)
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != "vendored file" || res.Changed() {
		t.Errorf("Skipped = %q, Changed = %v; want a vendored file left alone", res.Skipped, res.Changed())
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := rewrite.Source("bad.go", []byte("package app\n\nimport \"net\n"), rewrite.ToCompat)
	if err == nil || !strings.HasPrefix(err.Error(), "bad.go:3:") {
		t.Errorf("err = %v, want a syntax error at bad.go:3", err)
	}
}
