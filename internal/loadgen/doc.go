// Package loadgen is the HTTP/1.1 load generator behind "evshim bench load".
//
// It speaks just enough HTTP/1.1 over raw TCP to keep itself from being the
// bottleneck: each connection writes one pre-built request and parses the
// status line, Content-Length, chunked bodies and Connection: close by hand.
// Latencies go into a log-linear [Histogram] with bounded relative error,
// and failures are counted by [Kind].
//
// # Engines
//
// Two engines drive the connections, with the same results and errors
// (the tests run against both). [EngineEpoll], the default on Linux, is
// wrk's design: up to GOMAXPROCS locked OS threads, each with its own epoll
// instance and its share of the connections on non-blocking sockets,
// parsing responses in place (engine_linux.go). [EngineGoroutine], the
// default elsewhere, gives every connection its own goroutine over the net
// package (worker.go). Config.Engine chooses.
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
