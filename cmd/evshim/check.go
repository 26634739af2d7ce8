package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/evshim/evshim/cmd/evshim/internal/compatcheck"
)

var checkCommand = &command{
	name:  "check",
	short: "report code that still bypasses the event loop",
	run:   runCheck,
}

const checkHelp = `usage: evshim check [-only kinds] [-strict=false] [-tests=false] [-json] [packages]

Check reports, as file:line: message, what in the named packages (default
".") and their dependencies still bypasses the evshim event loop:

  imports     packages that import net, net/http or os/signal directly,
              dependencies included; they are listed at the import through
              which the checked package reaches them
  calls       calls of compat functions that COMPAT.md marks unsupported, or
              delegated and doing I/O, with the reason; delegated parsers and
              helpers without I/O, such as net.JoinHostPort, are not reported.
              Also what bypasses the loop in migrated code: an http.Client
              with no Transport, an http.Transport with no DialContext or
              Dial (as literals or new), tls.Dial, tls.DialWithDialer, tls.Listen
              and tls.Dialer's methods, and net/http/httptest's servers in
              files that no longer import net/http, each with its fix
  assertions  type assertions and conversions to standard library types that
              the compat packages replace with their own, such as
              c.(*net.TCPConn), which never succeed on a compat value; and
              assertions of the http.ServerContextKey value to *http.Server:
              before the rewrite they never match under a compat/http
              server; after it, the one-value form panics under a net/http
              server such as net/http/httptest's

The standard library and evshim's own packages are not reported, nor are
evshim's own dependencies (gnet and its logger, x/net) reached only through
evshim's packages. Findings in a generated file say how to fix it by hand or
by its generator, since evshim rewrite leaves generated files alone. The
same analysis runs under go vet: see
cmd/evshim/internal/compatcheck/cmd/evshim-check.

Exit status: 0 when nothing is reported; 1 when something is, except that
with -strict=false import findings are printed but do not count; 2 on a usage
error or when a package does not load or type-check.

Examples:

	evshim check ./...                      # everything, dependencies included
	evshim check -strict=false ./...        # fail only on calls and assertions
	evshim check -only=assertions ./...     # print assertions only
	evshim check -json ./... | jq -r '.[] | select(.kind == "calls") | .message'

Flags:
`

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kinds := compatcheck.AllKinds
	fs.Var(&kinds, "only", "report only these kinds: a comma-separated list of imports, calls, assertions")
	strict := fs.Bool("strict", true, "count import findings toward the exit status; false fails only on calls and assertions")
	tests := fs.Bool("tests", true, "check test files too")
	asJSON := fs.Bool("json", false, "print the findings as a JSON array")
	fs.Usage = func() {
		fmt.Fprint(stderr, checkHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}

	findings, err := compatcheck.Check(compatcheck.Options{Tests: *tests, Kinds: kinds}, patterns...)
	if err != nil {
		fmt.Fprintf(stderr, "evshim check: %v\n", err)
		if findings == nil {
			return 2
		}
	}
	failing := 0
	for i, f := range findings {
		f.Pos.Filename = displayPath(f.Pos.Filename)
		findings[i] = f
		if *strict || f.Kind != "imports" {
			failing++
		}
	}
	if *asJSON {
		if findings == nil {
			findings = []compatcheck.Finding{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "\t")
		if err := enc.Encode(findings); err != nil {
			fmt.Fprintf(stderr, "evshim check: %v\n", err)
			return 2
		}
	} else {
		for _, f := range findings {
			fmt.Fprintf(stdout, "%s:%d: %s\n", f.Pos.Filename, f.Pos.Line, f.Message)
		}
	}
	switch {
	case err != nil:
		return 2
	case failing > 0:
		return 1
	}
	return 0
}
