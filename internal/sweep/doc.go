// Package sweep runs the C10K sweep behind "evshim bench": the experiment
// of the 2010 article "gevent: the Good, the Bad, the Ugly" (a hello-world
// server loaded at rising concurrency, ab-style, with and without
// keep-alive), repeated for every server under test.
//
// Each server runs in its own process, started from a command line that
// must print "listening on ADDR" on stdout once it accepts connections.
// A server may first print "stats on ADDR", an HTTP address that serves
// [Stats] as JSON ([ServeStats] does this in two lines); without it the
// sweep reads only the RSS of the process it started, from /proc.
//
// # Method
//
// For every round, every concurrency and both connection modes, each
// server is loaded in turn (A B A B ...) by [loadgen] from this process,
// so slow drift of the machine touches every server alike. The summary
// gives medians over rounds and ratios against net/http. After the load
// rounds, each server is started afresh and N idle keep-alive connections
// are opened (one request each); the RSS and goroutine deltas divided by N
// are its cost per idle connection. That request is a GET by default, or
// any method with a body ([Config] IdleMethod, IdleBody: a POST shows what
// a connection keeps after reading a body). By default the server
// collects garbage and returns freed memory to the operating system before
// each snapshot, so RSS counts live memory; [Config] IdleNoGC reads RSS as
// it is, garbage and freed-but-kept pages included, which is what a
// server's process really holds.
//
// Client and server share the machine: on a 2-core machine the generator's
// CPU is taken from the server. Reports say so and carry the machine facts
// that bound the run ([doctor.Facts]).
//
// # Concurrency
//
// [Run] is not safe for concurrent use with itself: two sweeps would load
// each other's servers. The [Report] it returns is plain data.
package sweep
