// Package http is a drop-in replacement for the standard library's
// [net/http] package whose server holds idle keep-alive connections on
// evshim's event loop, with no goroutine, and whose default client dials
// through compat/net.
//
// Swap the import and keep the code:
//
//	import http "github.com/evshim/evshim/compat/http"
//
// Every exported identifier of net/http exists here with a signature that
// compiles where the stdlib's did. Request, Response, Header, Handler,
// ResponseWriter, ServeMux, Client, Transport and the rest are aliases of
// net/http's types; sentinels, context keys and DefaultServeMux are
// net/http's own values, so http.HandleFunc followed by
// http.ListenAndServe(addr, nil) works unchanged.
//
// # The server
//
// Server is this package's own type with every field and method of
// net/http's. Serving a compat/net listener (what ListenAndServe creates):
//
//   - accepting runs on the loop;
//   - an idle connection is parked on the loop: no goroutine, no read
//     buffer (about 1.1 KiB in all);
//   - the loop reads each request head and parses it (heads pipelined
//     behind a request are parsed by the goroutine serving it, which
//     holds them); a goroutine from a pool takes the request only once
//     its head is complete, so a client
//     that trickles its head (slowloris) costs no goroutine and is closed
//     by ReadHeaderTimeout;
//   - a request without a body (no Content-Length or Transfer-Encoding, no
//     Expect or Upgrade, not CONNECT or "OPTIONS *"), with a path as its
//     target and CRLF line ends, is parsed by this package (into the
//     Request net/http would build; a fuzz test holds the two together)
//     and answered by this package's ResponseWriter, which finalizes
//     headers, buffers, chunks
//     and closes exactly as net/http's does (the compat test suite
//     compares the bytes), with Flusher, Hijacker, CloseNotifier and
//     ResponseController support; pipelined requests are answered in
//     order, and the request's context is canceled when the client goes
//     away;
//   - any other request (a body, 100-continue, an upgrade, an absolute
//     URL, folded header lines) and any malformed one is served by
//     net/http's own connection code, so
//     request bodies, errors and their answers are net/http's; that
//     connection keeps net/http's goroutine for a short grace wait (2 ms;
//     up to twice its last request gap, at most 100 ms, when its requests
//     come quickly), then parks again.
//
// TLS (ServeTLS, ListenAndServeTLS) and HTTP/2 are served by net/http's
// own TLS path over compat/net connections, a goroutine per connection.
//
// # Differences
//
//   - ReadHeaderTimeout defaults to 10 s and IdleTimeout to 120 s when
//     neither they nor ReadTimeout are set; net/http has no default. Set a
//     negative value to turn a default off.
//   - Server's fields are read when it starts serving.
//   - A type assertion of a *Server to *net/http.Server does not compile;
//     r.Context().Value(ServerContextKey) holds the *Server.
//   - A Client or Transport built by hand without a dial function dials
//     with the standard library; DefaultClient and DefaultTransport dial
//     through compat/net.
//   - The ResponseWriter of a request without a body is this package's:
//     its bytes are net/http's, its dynamic type is not, and its Flush
//     after Hijack returns ErrHijacked where net/http's panics.
//
// COMPAT.md at the repository root lists every identifier with its status.
package http
