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
//     library's own. Calls also covers what COMPAT.md says bypasses the
//     loop in code that imports only compat packages: an http.Client
//     literal or new(http.Client) without a Transport (it uses net/http's
//     DefaultTransport), an http.Transport literal or new(http.Transport)
//     without DialContext or Dial (unless the same declaration assigns
//     them), crypto/tls's Dial, DialWithDialer,
//     Listen and Dialer methods, and net/http/httptest's NewServer,
//     NewUnstartedServer and NewTLSServer in a file that does not import
//     net/http (where it does, the import's finding covers them, since
//     evshim rewrite swaps both).
//   - assertions: a type assertion, type switch case or conversion to a
//     standard library type that a compat package replaces with its own,
//     such as c.(*net.TCPConn) on a conn that compat/net made. Such an
//     assertion compiles and never succeeds. The set of replaced types comes
//     from the compat packages' own declarations (every declared type that
//     is not an alias of the standard library's); when no compat package is
//     in the build, from the list those packages declared when this analyzer
//     was written. A one-value assertion of the value under
//     http.ServerContextKey to compat/http's *Server is reported too: it
//     fails whenever a net/http server, such as net/http/httptest's, serves
//     the request.
//
// Findings about dependencies are reported at the import through which the
// analyzed package reaches them, because drivers such as go vet show only
// the analyzed package's findings. The analyzer carries what it learned
// about each package to its importers as a package fact.
//
// The standard library and evshim's own packages are never reported: both
// use the standard library on purpose. Nor are the dependencies reached only
// through evshim's packages (gnet's logger, x/net's httpguts): an evshim
// package passes on to its importers only the types it owns, not its
// dependencies' findings. Under "evshim check" with tests, the generated
// main package of each test binary is left out, as go vet leaves it out.
//
// An import finding in a file that evshim rewrite leaves alone (generated,
// or importing both a package and its counterpart) says what to do
// instead of running the rewrite.
//
// The analyzer runs under "evshim check" (see [Check]) and under go vet
// through the evshim-check command:
//
//	go build -o evshim-check ./internal/compatcheck/cmd/evshim-check
//	go vet -vettool=$PWD/evshim-check ./...
package compatcheck
