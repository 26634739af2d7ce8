package rewrite

import (
	"bytes"
	"fmt"
)

// maxDiffCells bounds the table that Diff fills to find the fewest changed
// lines (about 32 MiB). A swap changes a few lines of one import block, so
// the bound is reached only by reformatting a large file that was far from
// gofmt-clean; its diff then shows the changed region as one block.
const maxDiffCells = 4 << 20

// context is the number of unchanged lines around each hunk, as in
// "diff -u".
const context = 3

// Diff returns a unified diff from a to b, with file names oldName and
// newName in the header, or nil when a and b are equal.
func Diff(oldName string, a []byte, newName string, b []byte) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	x, y := splitLines(a), splitLines(b)

	// The swap touches one region, so trimming the common head and tail
	// leaves a small middle to compare line by line.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(x)+len(y))
	for i := range pre {
		ops = append(ops, op{kind: ' ', line: x[i]})
	}
	ops = append(ops, middle(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for i := len(x) - suf; i < len(x); i++ {
		ops = append(ops, op{kind: ' ', line: x[i]})
	}

	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	writeHunks(&out, ops)
	return out.Bytes()
}

// An op is one line of an edit script: ' ' kept, '-' deleted, '+' inserted.
type op struct {
	kind byte
	line string
}

// middle returns an edit script from x to y with the fewest deleted and
// inserted lines (a longest common subsequence), or, when x and y are too
// large for that, all of x deleted and all of y inserted.
func middle(x, y []string) []op {
	var ops []op
	if len(x)*len(y) > maxDiffCells {
		for _, l := range x {
			ops = append(ops, op{kind: '-', line: l})
		}
		for _, l := range y {
			ops = append(ops, op{kind: '+', line: l})
		}
		return ops
	}
	// lcs[i][j] is the length of the longest common subsequence of x[i:]
	// and y[j:].
	w := len(y) + 1
	lcs := make([]int32, (len(x)+1)*w)
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, op{kind: ' ', line: x[i]})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			// Deletions first, as "diff -u" prints them.
			ops = append(ops, op{kind: '-', line: x[i]})
			i++
		default:
			ops = append(ops, op{kind: '+', line: y[j]})
			j++
		}
	}
	return ops
}

// writeHunks writes ops as unified-diff hunks with context lines around
// each run of changes.
func writeHunks(out *bytes.Buffer, ops []op) {
	// oldLine[k] and newLine[k] are the 1-based line numbers at ops[k].
	oldLine := make([]int, len(ops)+1)
	newLine := make([]int, len(ops)+1)
	oldLine[0], newLine[0] = 1, 1
	for k, o := range ops {
		oldLine[k+1], newLine[k+1] = oldLine[k], newLine[k]
		if o.kind != '+' {
			oldLine[k+1]++
		}
		if o.kind != '-' {
			newLine[k+1]++
		}
	}
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk starts context lines before the change and ends once
		// 2*context unchanged lines in a row follow a change.
		start := max(0, k-context)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(run, end+context)
				break
			}
			end = run
		}
		oldN, newN := oldLine[end]-oldLine[start], newLine[end]-newLine[start]
		fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldLine[start], oldN), hunkRange(newLine[start], newN))
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.line)
			if len(o.line) == 0 || o.line[len(o.line)-1] != '\n' {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		k = end
	}
}

// hunkRange formats a hunk's "start,count", where an empty range names the
// line before it, as "diff -u" does.
func hunkRange(start, n int) string {
	if n == 0 {
		start--
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// splitLines splits b after each newline; the last line lacks one when b
// does not end in a newline.
func splitLines(b []byte) []string {
	var lines []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n') + 1
		if i == 0 {
			i = len(b)
		}
		lines = append(lines, string(b[:i]))
		b = b[i:]
	}
	return lines
}
