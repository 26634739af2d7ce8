package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/evshim/evshim/cmd/evshim/internal/atomicfile"
	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

var rewriteCommand = &command{
	name:  "rewrite",
	short: "swap net, net/http, net/http/httptest and os/signal imports for the compat packages (and back)",
	run:   runRewrite,
}

const rewriteHelp = `usage: evshim rewrite [-w | -l | -d] [-revert] [-json] [packages or files]

Rewrite swaps the imports of net, net/http, net/http/httptest and os/signal
for github.com/evshim/evshim/compat/net, .../compat/http,
.../compat/http/httptest and .../compat/signal. Each compat package has the
same package name as the one it replaces, so the code compiles unchanged.
A swapped import moves into the group of other domains' imports, as
goimports groups them (a new group after the standard library's when there
is none), when -revert can move it back exactly; otherwise it stays sorted
in its group. -revert swaps them back; on gofmt-clean files it restores the
original bytes exactly, except where rewrite warns that it cannot.

Arguments are package patterns or directories ("./...", "./cmd/server"),
resolved as "go list" resolves them, or .go files. Only packages of the main
module are rewritten, with all their .go files (tests and files for other
platforms included). Generated files ("Code generated ... DO NOT EDIT."),
vendored files and files that import both a package and its compat
counterpart are left alone and reported. Arguments that name nothing to
rewrite (a standard library package, say) are a usage error, as is a flag
after the arguments. With no arguments, rewrite reads
one file from standard input and writes the result to standard output.

Without -w, -l or -d, rewrite prints every file's rewritten source, as gofmt
does. -json prints a report instead: the changed, skipped and failed files,
each with its swapped imports (and its diff with -d).

Exit status: 0 on success; 1 when -l or -d found files to change; 2 on a
usage error or when a file could not be read, parsed or written.

Examples:

	evshim rewrite -l ./...           # which files would change?
	evshim rewrite -d ./...           # show the changes as a diff
	evshim rewrite -w ./...           # swap the imports in place
	evshim rewrite -w -revert ./...   # and swap them back
	evshim rewrite -w -json ./... | jq '.files[].changes'

Flags:
`

// fileReport is one file's entry in the -json report.
type fileReport struct {
	*rewrite.Result
	Diff  string `json:"diff,omitempty"`
	Error string `json:"error,omitempty"`
}

func runRewrite(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rewrite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "write the result to each file instead of standard output")
	list := fs.Bool("l", false, "list the files whose imports would change")
	diff := fs.Bool("d", false, "print a diff of the changes")
	revert := fs.Bool("revert", false, "swap compat imports back to the standard library's")
	asJSON := fs.Bool("json", false, "print a JSON report instead of text")
	fs.Usage = func() {
		fmt.Fprint(stderr, rewriteHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	r := &rewriteRun{dir: rewrite.ToCompat, write: *write, list: *list, diff: *diff, asJSON: *asJSON, stdout: stdout, stderr: stderr}
	if *revert {
		r.dir = rewrite.ToStd
	}

	if fs.NArg() == 0 {
		if *write {
			fmt.Fprintln(stderr, "evshim rewrite: cannot use -w with standard input")
			return 2
		}
		src, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintf(stderr, "evshim rewrite: %v\n", err)
			return 2
		}
		r.srcs = map[string][]byte{"<standard input>": src}
		return r.files([]string{"<standard input>"}, nil)
	}
	for _, a := range fs.Args() {
		// The flag package stops at the first argument: a flag after the
		// packages would be taken for a package pattern.
		if strings.HasPrefix(a, "-") {
			fmt.Fprintf(stderr, "evshim rewrite: flag %s after the packages: put flags first, as in \"evshim rewrite %s ./...\"\n", a, a)
			return 2
		}
	}
	files, skipped, err := rewrite.Files("", fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "evshim rewrite: %v\n", err)
		return 2
	}
	if len(files) == 0 {
		// Every package named is outside what rewrite changes (as with
		// "-l net/http", which names the standard library's package, not
		// the imports to swap): say so rather than succeed silently.
		if len(skipped) == 0 {
			fmt.Fprintf(stderr, "evshim rewrite: no Go files in %s\n", strings.Join(fs.Args(), " "))
			return 2
		}
		fmt.Fprintln(stderr, "evshim rewrite: nothing to rewrite: rewrite changes only the source files of the main module's packages, named as packages (./...) or files")
		for _, sk := range skipped {
			fmt.Fprintf(stderr, "\t%s: %s\n", sk.Path, sk.Reason)
		}
		return 2
	}
	if !*asJSON {
		for _, sk := range skipped {
			fmt.Fprintf(stderr, "%s: left alone: %s\n", sk.Path, sk.Reason)
		}
	}
	return r.files(files, skipped)
}

// rewriteRun holds one run's flags and outputs.
type rewriteRun struct {
	dir                       rewrite.Direction
	write, list, diff, asJSON bool
	srcs                      map[string][]byte // file contents not on disk (standard input)
	stdout, stderr            io.Writer
}

// files swaps the imports of files, reading each from r.srcs when present
// there and from disk otherwise, and reports as the flags ask. It returns
// the exit status.
func (r *rewriteRun) files(files []string, skipped []rewrite.Skip) int {
	dir, write, list, diff, asJSON, stdout, stderr := r.dir, r.write, r.list, r.diff, r.asJSON, r.stdout, r.stderr
	failed, changed := false, false
	var reports []fileReport
	for _, path := range files {
		name := displayPath(path)
		src, ok := r.srcs[path]
		var res *rewrite.Result
		var err error
		if !ok {
			src, err = os.ReadFile(path)
		}
		if err == nil {
			res, err = rewrite.Source(name, src, dir)
		}
		if err == nil && write && res.Changed() {
			err = writeFile(path, res.Out)
		}
		if err != nil {
			failed = true
			if asJSON {
				reports = append(reports, fileReport{Result: &rewrite.Result{Path: name}, Error: err.Error()})
			} else {
				fmt.Fprintf(stderr, "evshim rewrite: %v\n", err)
			}
			continue
		}
		changed = changed || res.Changed()
		var d []byte
		if diff && res.Changed() {
			d = rewrite.Diff(name+".orig", src, name, res.Out)
		}
		if asJSON {
			if res.Changed() || res.Skipped != "" {
				reports = append(reports, fileReport{Result: res, Diff: string(d)})
			}
			continue
		}
		switch {
		case res.Skipped != "":
			fmt.Fprintf(stderr, "%s: left alone: %s\n", name, res.Skipped)
			continue
		case res.Reformatted:
			fmt.Fprintf(stderr, "%s: was not gofmt-clean; the result is gofmt-formatted, so -revert will not restore the original bytes\n", name)
		case res.Inexact:
			fmt.Fprintf(stderr, "%s: its swapped imports form a group of their own after the standard library's, so -revert will merge that group into the standard library's rather than restore the original bytes\n", name)
		}
		if list && res.Changed() {
			fmt.Fprintln(stdout, name)
		}
		if diff {
			stdout.Write(d)
		}
		if write && !list && !diff {
			for _, c := range res.Changes {
				fmt.Fprintf(stdout, "%s:%d: %s -> %s\n", name, c.Line, c.From, c.To)
			}
		}
		if !write && !list && !diff {
			stdout.Write(res.Out)
		}
	}
	if asJSON {
		if reports == nil {
			reports = []fileReport{}
		}
		report := struct {
			Direction string         `json:"direction"`
			Files     []fileReport   `json:"files"`
			Skipped   []rewrite.Skip `json:"skipped_packages,omitempty"`
		}{dir.String(), reports, skipped}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "\t")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "evshim rewrite: %v\n", err)
			return 2
		}
	}
	switch {
	case failed:
		return 2
	case changed && !write && (list || diff):
		return 1
	}
	return 0
}

// writeFile replaces path's content with b, keeping its permissions, so
// that a failure never leaves the file half written.
func writeFile(path string, b []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, fi.Mode().Perm())
}

// displayPath returns path relative to the current directory when it lies
// below it, as go vet prints positions.
func displayPath(path string) string {
	if !filepath.IsAbs(path) {
		return path
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || !filepath.IsLocal(rel) {
		return path
	}
	return rel
}
