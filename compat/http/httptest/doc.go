// Package httptest is a drop-in replacement for the standard library's
// [net/http/httptest] package whose test servers are compat/http servers
// listening on compat/net loopback listeners.
//
// Swap the import with compat/http's and keep the tests:
//
//	import (
//		http "github.com/evshim/evshim/compat/http"
//		"github.com/evshim/evshim/compat/http/httptest"
//	)
//
// Server has every field and method of net/http/httptest's Server. Its
// Config is a compat/http *Server, so a handler finds that *Server under
// http.ServerContextKey and the tests exercise the server code the program
// runs; its Client dials through compat/net. ResponseRecorder, NewRecorder,
// NewRequest, NewRequestWithContext and DefaultRemoteAddr are
// net/http/httptest's own: they do no network I/O.
//
// # Differences
//
//   - StartTLS serves a certificate generated once per process (ECDSA
//     P-256, for 127.0.0.1, ::1, example.com and *.example.com, valid from
//     1970 to 2084), not the RSA certificate net/http/httptest embeds:
//     Certificate returns it, and Client trusts it.
//   - Config's fields are read when Start or StartTLS begins serving, as
//     for any compat/http Server; change them before.
//   - Close closes the idle connections of net/http's DefaultTransport and
//     of compat/http's DefaultTransport, so that either client, used
//     against the server, leaves no connection behind; once the server's
//     connections are gone it closes Config too, which ends the goroutines
//     compat/http keeps to run handlers (a leak check right after Close
//     finds none of them).
//
// COMPAT.md at the repository root lists every identifier with its status.
package httptest
