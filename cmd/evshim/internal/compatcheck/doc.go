// Package compatcheck defines an analyzer that reports code whose network
// and signal traffic still bypasses evshim's event loop, or that will
// behave differently once it runs on the compat packages.
//
// It reports three kinds of finding, named as the -only flag names them:
//
//   - imports: a package that imports net, net/http or os/signal directly,
//     whether it is the analyzed package or one of its dependencies. Its
//     connections, servers and signals are the standard library's and never
//     reach the loop.
//   - calls: a call of a compat function or method that the coverage matrix
//     (internal/matrix) marks Delegated or Unsupported, with the matrix's
//     reason. The call works, but not on the loop, or not as the standard
//     library's does. Delegated functions that do no I/O (rows marked NoIO:
//     parsers, constructors, helpers such as net.JoinHostPort) bypass
//     nothing and are not reported; nor are type aliases, variables and
//     constants that the matrix marks Delegated, which are the standard
//     library's own.
//   - assertions: a type assertion, type switch case or conversion to a
//     standard library type that a compat package replaces with its own,
//     such as c.(*net.TCPConn) on a conn that compat/net made. Such an
//     assertion compiles and never succeeds. The set of replaced types comes
//     from the compat packages' own declarations (every declared type that
//     is not an alias of the standard library's); when no compat package is
//     in the build, from the list those packages declared when this analyzer
//     was written.
//
// Findings about dependencies are reported at the import through which the
// analyzed package reaches them, because drivers such as go vet show only
// the analyzed package's findings. The analyzer carries what it learned
// about each package to its importers as a package fact.
//
// The standard library and evshim's own packages are never reported: both
// use the standard library on purpose.
//
// The analyzer runs under "evshim check" (see [Check]) and under go vet
// through the evshim-check command:
//
//	go build -o evshim-check ./internal/compatcheck/cmd/evshim-check
//	go vet -vettool=$PWD/evshim-check ./...
package compatcheck
