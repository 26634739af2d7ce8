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
//     that trickles its head (slowloris) costs no goroutine until
//     ReadHeaderTimeout, when it gets net/http's answer to a partial
//     head and is closed;
//   - every byte of the connection is this package's: a request
//     without a body or with a plain Content-Length one, in origin form
//     with CRLF line ends (the common GET and POST), is parsed by this
//     package (into the Request net/http would
//     build; a fuzz test holds the two together); any other request,
//     and any malformed one, is parsed by net/http's public ReadRequest
//     from this package's buffered reader, so it gets net/http's verdict
//     and answer (400, 431, 501, 505, with "Connection: close", and the
//     connection really closes), and a body gets net/http's body
//     reader: Content-Length, chunked with trailers, Expect:
//     100-continue (sent on the body's first Read), net/http's rule for
//     a body the handler leaves unread (up to 256 KiB read and dropped,
//     else the connection closes), MaxBytesReader;
//   - this package's ResponseWriter answers every request: it
//     finalizes headers, buffers, chunks and closes exactly as
//     net/http's does (differential tests compare the bytes), with
//     Flusher, Hijacker, CloseNotifier and ResponseController support;
//     pipelined requests are answered in order, and the request's
//     context is canceled when the client goes away;
//   - after every request, with a body or not, whatever was read past it
//     goes back to the connection's buffer and the connection parks
//     again with no goroutine.
//
// Only an h2c connection (HTTP/2 prior knowledge, when Protocols allows
// unencrypted HTTP/2, recognized at the connection's first bytes as
// net/http does) is handed to net/http's own connection code, for good.
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
//   - The ResponseWriter is this package's: its bytes are net/http's,
//     its dynamic type is not, and its Flush after Hijack returns
//     ErrHijacked where net/http's panics. A handler that calls
//     net/http's own MaxBytesReader (not this package's) is detected when
//     the body is the request's Body itself; wrapped in another reader,
//     passing its limit does not add "Connection: close".
//
// COMPAT.md at the repository root lists every identifier with its status.
package http
