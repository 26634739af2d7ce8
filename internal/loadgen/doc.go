// Package loadgen is the HTTP/1.1 load generator behind "evshim bench load".
//
// It speaks just enough HTTP/1.1 over raw TCP to keep itself from being the
// bottleneck: each connection writes one pre-built request and parses the
// status line, Content-Length, chunked bodies and Connection: close by hand.
// Every connection has its own goroutine, so one process uses every core.
// Latencies go into a log-linear [Histogram] with bounded relative error,
// and failures are counted by [Kind].
//
// # Flags and ab
//
// [Config] gives its fields ab's meaning: Requests is -n, Concurrency is -c,
// KeepAlive is -k and ContinueOnError is -r. Without KeepAlive each request
// uses a new connection and closes it, as ab does by default.
//
// # Loopback sources
//
// Against a loopback target on Linux the generator binds its connections to
// several source addresses in 127.0.0.0/8 (127.0.0.2, 127.0.0.3, ...), with
// IP_BIND_ADDRESS_NO_PORT so that the kernel picks the port at connect time
// from the whole 4-tuple space. Ephemeral ports and TIME_WAIT then stop being
// the limit long before the server is.
//
// # Concurrency
//
// A [Generator] runs once. Its Progress method may be called from any
// goroutine while Run is in progress.
package loadgen
