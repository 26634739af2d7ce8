package rewrite_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

func TestDiffGolden(t *testing.T) {
	a := "package app\n\nimport (\n\t\"fmt\"\n\t\"net\"\n)\n\nvar _ = fmt.Println\n"
	b := "package app\n\nimport (\n\t\"fmt\"\n\t\"github.com/evshim/evshim/compat/net\"\n)\n\nvar _ = fmt.Println\n"
	// The same files through "diff -u" give this, headers aside.
	want := `--- a.go.orig
+++ a.go
@@ -2,7 +2,7 @@
 
 import (
 	"fmt"
-	"net"
+	"github.com/evshim/evshim/compat/net"
 )
 
 var _ = fmt.Println
`
	got := string(rewrite.Diff("a.go.orig", []byte(a), "a.go", []byte(b)))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff mismatch (-want +got):\n%s", diff)
	}
	if d := rewrite.Diff("a", []byte(a), "b", []byte(a)); d != nil {
		t.Errorf("Diff of equal inputs = %q, want nil", d)
	}
}

// TestDiffApplies checks that applying each diff to its old text gives the
// new text, which holds only if every hunk header and line is right.
func TestDiffApplies(t *testing.T) {
	lines := func(n int, tag string) []string {
		var ls []string
		for i := range n {
			ls = append(ls, fmt.Sprintf("line %d%s\n", i, tag))
		}
		return ls
	}
	base := lines(30, "")
	edit := func(f func(ls []string) []string) string {
		return strings.Join(f(append([]string(nil), base...)), "")
	}
	tests := []struct {
		name string
		b    string
	}{
		{name: "first-line", b: edit(func(ls []string) []string { ls[0] = "changed\n"; return ls })},
		{name: "last-line", b: edit(func(ls []string) []string { ls[29] = "changed\n"; return ls })},
		{name: "two-far-hunks", b: edit(func(ls []string) []string { ls[3], ls[25] = "x\n", "y\n"; return ls })},
		{name: "two-near-hunks", b: edit(func(ls []string) []string { ls[10], ls[15] = "x\n", "y\n"; return ls })},
		{name: "insert", b: edit(func(ls []string) []string { return append(ls[:12], append([]string{"new\n", "new2\n"}, ls[12:]...)...) })},
		{name: "delete", b: edit(func(ls []string) []string { return append(ls[:5], ls[9:]...) })},
		{name: "no-final-newline", b: edit(func(ls []string) []string { ls[29] = "last"; return ls })},
		{name: "empty", b: ""},
	}
	a := strings.Join(base, "")
	for _, tt := range tests {
		t.Run("edit="+tt.name, func(t *testing.T) {
			d := rewrite.Diff("a", []byte(a), "b", []byte(tt.b))
			got, err := applyDiff(a, string(d))
			if err != nil {
				t.Fatalf("applying diff: %v\n%s", err, d)
			}
			if got != tt.b {
				t.Errorf("applied diff gives %q, want %q\n%s", got, tt.b, d)
			}
		})
	}
}

// applyDiff applies a unified diff to a, checking every context line and
// every hunk header's start and counts.
func applyDiff(a, d string) (string, error) {
	old := strings.SplitAfter(a, "\n")
	if old[len(old)-1] == "" {
		old = old[:len(old)-1]
	}
	dl := strings.SplitAfter(d, "\n")
	if len(dl) < 3 || !strings.HasPrefix(dl[0], "--- ") || !strings.HasPrefix(dl[1], "+++ ") {
		return "", fmt.Errorf("bad header")
	}
	var out []string
	pos := 0 // next line of old to copy
	for i := 2; i < len(dl) && dl[i] != ""; {
		var os, on, ns, nn int
		if _, err := fmt.Sscanf(hunkHeader(dl[i]), "%d %d %d %d", &os, &on, &ns, &nn); err != nil {
			return "", fmt.Errorf("line %d: %q: %v", i, dl[i], err)
		}
		start := os - 1
		if on == 0 {
			start = os
		}
		out = append(out, old[pos:start]...)
		if len(out)+1 != ns && !(nn == 0 && len(out) == ns) {
			return "", fmt.Errorf("hunk %q: new start %d, but %d lines precede it", dl[i], ns, len(out))
		}
		pos = start
		i++
		gotOld, gotNew := 0, 0
		for ; i < len(dl) && dl[i] != "" && !strings.HasPrefix(dl[i], "@@"); i++ {
			l := dl[i][1:]
			if i+1 < len(dl) && strings.HasPrefix(dl[i+1], `\ No newline`) {
				l = strings.TrimSuffix(l, "\n")
			}
			switch dl[i][0] {
			case ' ', '-':
				if pos >= len(old) || old[pos] != l {
					return "", fmt.Errorf("line %d: %q does not match old line %d %q", i, l, pos+1, old[min(pos, len(old)-1)])
				}
				pos++
				gotOld++
				if dl[i][0] == ' ' {
					out = append(out, l)
					gotNew++
				}
			case '+':
				out = append(out, l)
				gotNew++
			case '\\':
			default:
				return "", fmt.Errorf("line %d: bad prefix %q", i, dl[i])
			}
		}
		if gotOld != on || gotNew != nn {
			return "", fmt.Errorf("hunk counts %d,%d, header says %d,%d", gotOld, gotNew, on, nn)
		}
	}
	out = append(out, old[pos:]...)
	return strings.Join(out, ""), nil
}

// hunkHeader turns "@@ -a,b +c,d @@" into "a b c d", filling an omitted
// count with 1.
func hunkHeader(h string) string {
	f := strings.Fields(h)
	if len(f) < 4 {
		return h
	}
	var nums []string
	for _, r := range f[1:3] {
		s, n, ok := strings.Cut(r[1:], ",")
		if !ok {
			n = "1"
		}
		if _, err := strconv.Atoi(s); err != nil {
			return h
		}
		nums = append(nums, s, n)
	}
	return strings.Join(nums, " ")
}
