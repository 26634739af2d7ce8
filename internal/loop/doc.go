// Package loop is evshim's one event loop per process (gevent's "hub"): a
// set of reactors built on gnet v2.9.7's public pkg/netpoll poller (epoll
// on Linux, kqueue on the BSDs and Darwin). It is the only package of the
// module that imports gnet.
//
// # Design
//
// Each reactor is one goroutine with its own poller. A socket is
// registered once, edge-triggered for reading and writing, on
// the reactor that Register picks (round robin). The reactor never reads
// or writes user data for a blocking-style caller: the caller's goroutine
// makes the syscall, and when the kernel answers EAGAIN it parks until the
// reactor reports readiness, its deadline passes (a Timer delivered as a
// loop callback) or the descriptor is closed. This is the model of
// gevent's cooperative sockets and of Go's own netpoller, with our reactor
// in place of the runtime's poller.
//
// The choice was made between the three designs the architecture names:
//
//   - gnet's Client engine with Enroll (gnet-notes.md §0): gnet reads every
//     byte into its own buffers on the loop. Blocking Read then needs a
//     copy and a goroutine hand-off per chunk, gnet cannot pause reading
//     (no backpressure: a slow reader grows memory without bound), its
//     outbound buffer is unbounded and Close drops what it still holds,
//     and a peer's FIN closes the whole connection. A prototype measured
//     0.2–0.3× the stdlib's bulk receive and 3–4× its latency.
//   - A gnet server engine: the same buffering, plus listeners fixed at
//     engine start and no real Addr for ":0".
//   - A reactor of our own on pkg/netpoll (this package): the kernel's
//     socket buffers are the only buffers, so a slow reader slows its
//     writer (backpressure for free), Close loses nothing that Write
//     accepted, half-close works both ways, and bulk transfers run at the
//     stdlib's speed because the loop is off the data path.
//
// Measured side by side on the 2-core development VM (see
// docs/performance.md for the table and the commands): bulk transfers
// through compat/net at 1.0–1.2× the stdlib, where the gnet Client
// prototype reached 0.2–0.3×; 0 allocations per round trip.
//
// # How a reactor waits
//
// On Linux a reactor waits for its epoll instance in the Go runtime's
// netpoller (nested_linux.go): the epoll descriptor is pollable, so a dup
// of it is registered with the runtime like a socket, and the thread that
// finds it ready runs the reactor goroutine, which then collects the
// events with a non-blocking epoll_wait. An idle reactor holds no thread,
// and readiness is delivered the way the runtime delivers it to net.Conn
// reads, with no extra thread to wake. gnet's Polling blocks its thread in
// epoll_wait instead; each wake-up of that sleeping thread, and then of the
// runtime's own poller thread for the other side, cost tens of
// microseconds on the 2-core VM. Measured side by side (benchstat, 6
// interleaved rounds, EVSHIM_REACTOR=gnet for Polling):
//
//	                              Polling    runtime netpoller
//	HTTP keep-alive, 1 conn       65.5 µs    15.3 µs  (net/http: 15.0 µs)
//	accept + close                74.9 µs    33.6 µs  (stdlib: 50.2 µs)
//	1-conn round trip, mean        8.8 µs     5.9 µs  (stdlib: 4.4 µs)
//	1-conn round trip, p50         5.3 µs     5.0 µs
//	1-conn round trip, p99        49.7 µs    17.8 µs
//	100-conn ping-pong             5.1 µs     4.9 µs  (no significant change)
//
// Like Polling, an idle reactor yields and looks again before it waits
// (twice): under load the goroutines it woke bring the next events, which
// it then takes without parking.
//
// gnet v2.9.7 does not export the poller's epoll descriptor: the reactor
// reads it by reflection and proves it is the poller's before it waits on
// it. The proof consumes nothing: an eventfd is added through the poller,
// and epoll_ctl(EPOLL_CTL_MOD) of that eventfd on the descriptor must
// succeed, which it does only on the epoll instance that holds it (on any
// other descriptor, another epoll instance included, it fails and changes
// nothing). So a gnet version whose layout differs falls back to gnet's
// Polling and never takes events from another instance. The reactor then
// adds its descriptors itself, with the descriptor number as the event
// data, so it does not depend on how gnet lays out that data either. Where
// the proof fails, on the BSDs (kqueue), or with EVSHIM_REACTOR=gnet, the
// reactor runs gnet's Polling; Stats.RuntimeWait counts the reactors that
// wait in the runtime's netpoller.
//
// gnet's poll_opt build tag is supported: it stores a pointer to each
// descriptor's PollAttachment in the kernel's event data and calls the
// attachment's Callback, so register gives every descriptor an attachment
// whose Callback is the reactor's dispatch and keeps it reachable from the
// pollDesc. The runtime-netpoller path reads only data it wrote itself. One
// limit is gnet's own: under -race, its poll_opt Polling (the fallback)
// dies with "checkptr: misaligned pointer conversion", since it reads that
// pointer from a 4-byte aligned field.
//
// # Reads and writes that do not tell the scheduler
//
// On Linux (without -race, -msan or -asan, which need the annotations of
// syscall.Read and syscall.Write) an FD reads and writes with
// syscall.RawSyscall, and the reactor's epoll_wait that cannot sleep is
// raw as well (sysio_raw.go). Those calls never sleep on a non-blocking
// socket, so the scheduler's "in a syscall" state only cost: on a machine
// whose cores are busy, a thread descheduled inside the syscall had its P
// handed to another thread by sysmon, and both threads then switched.
// Sharing 2 cores with wrk (1,000 keep-alive connections, GET),
// compat/http's server made half the context switches per request
// (0.123 to 0.062) and used 9-12% less CPU per request (median of 3
// alternating rounds, docs/performance-http.md). A socket that may be in
// blocking mode (a File or Dup of it exists, or a RawConn callback
// cleared O_NONBLOCK; FD.NoteFlags) and transfers over 64 KiB take the
// scheduler-aware calls, so a raw call neither sleeps nor copies for
// long while it holds its P.
//
// # How many reactors
//
// A reactor does little per event (it wakes a goroutine), so it is rarely
// the bottleneck; the goroutines it wakes are. Under gnet's Polling each
// reactor also holds an OS thread in epoll_wait that competes with them
// for the Ps. Measured on
// the 2-core VM (benchstat, 8 interleaved rounds, std = 1.00):
//
//	                       2 reactors   1 reactor
//	1-conn round trip        3.08×        1.87×   (p99: 181 µs vs 58 µs)
//	100-conn ping-pong       0.75×        0.87×   (throughput)
//	accept + close           2.09×        2.63×
//
// Those figures are from gnet's Polling. With reactors waiting in the
// runtime's netpoller, two reactors against one (6 rounds): 100-conn
// ping-pong 0.94×, HTTP keep-alive with 50 conns 0.87×, accept + close
// 1.37×, and the same HTTP sweep throughput (c=100 to 10,000, within 2%).
// So the default is one reactor per two cores (GOMAXPROCS/2, at least
// one), not one per core; EVSHIM_LOOPS overrides it.
//
// # Concurrency
//
// Every exported function and method is safe for concurrent use. Loop
// callbacks (posted funcs, timer funcs, readiness dispatch) run on a
// reactor goroutine and must not block; the watchdog reports any callback
// that holds its reactor longer than Config.StallLimit (100 ms by default,
// env EVSHIM_WATCHDOG) with the reactor's stack, and counts it in Stats.
// Holding is not wall time: on a loaded machine a reactor waits for a CPU
// in the middle of short callbacks, so the watchdog reports a callback
// only if it saw that same callback at three samples, its age less the time
// the process or any of its threads was seen waiting for a CPU reaches the
// limit, it still runs after the watchdog has itself been through the Go
// scheduler's run queue, and the stack was taken while it ran
// (watchdog.go gives the reasons).
//
// A reactor never waits for a lock that a user goroutine holds: even a
// lock held for a few instructions is held for as long as the scheduler
// leaves its holder parked, which on a loaded machine is milliseconds (the
// watchdog once saw a reactor wait 155 ms in the RWMutex that guarded the
// descriptor map, behind a registering goroutine). So the lookup for each
// event takes no lock (fdTable); the reactor checks the posted-task queue
// with an atomic count and takes the queue only with TryLock, trying again
// next round; a deadline's expiry takes the deadline's lock with TryLock
// and otherwise leaves a goroutine to wait for it and post the expiry
// again. The locks that remain on the reactor's path are the loop's own
// (stopping) and whatever a posted func or a readiness handler takes.
//
// # Lifecycle
//
// The loop runs only while something uses it, and leaves no trace when
// nothing does: from the first registration, timer or Post until it has
// had no descriptor registered and no timer pending for an idle timeout
// (Config.IdleTimeout, 50 ms by default). Then the reactors, the watchdog
// and the reporter exit and the pollers are closed, so a program (or a
// test under goleak) that has closed every connection and listener holds
// no goroutine and no descriptor of the loop's. The next use starts it
// again, whatever the order of imports, init functions and calls; starts
// racing each other or a stop are serialized (the stop marks the instance
// it ends as refusing new users before it begins, and a refused user
// starts the next instance; a registration or Post that a Shutdown
// overtakes moves to the next instance too). The counters in Stats carry over from one
// instance to the next. The idle timeout keeps a client that dials one
// connection after another from paying for a restart each time.
//
// A restart costs once, per idle period. BenchmarkRegister measures a
// socketpair registered and closed on a warm loop against the same with a
// stop and a start of the loop in each round (2-core VM shared with other
// jobs, go1.26.8, one reactor per two cores, benchstat over 6 runs, two
// sessions): warm 32–96 µs, 272 B, 2 allocations; idle 2.0–2.8× that,
// 3.7 KB, 37 allocations. One stop-and-start cycle thus costs 60–100 µs
// and 35 allocations (a poller, an eventfd, a dup of the epoll descriptor
// in the runtime's netpoller, the reactor and watchdog goroutines). The
// hot paths pay a few atomic operations per registration and per
// close. Measured against the code before idle stops (shimtest's
// AcceptClose, RoundTrip and HTTPKeepAlive on compat, 6 interleaved runs,
// benchstat): no significant change, the same allocations. The goroutines
// are gone 52 ms after the last Close (BenchmarkIdleStop: the 50 ms idle
// timeout, then the stop).
//
// Shutdown stops the loop at once even when it is used: every registered
// descriptor wakes its waiters with net.ErrClosed. EVSHIM_LOOPS sets the
// number of reactors (default GOMAXPROCS/2, at least one; see below). With
// EVSHIM_STATS or EVSHIM_DEBUG_SIGNAL set, the loop does not stop when
// idle: it has something to report, and the dump signal would otherwise
// get its default action.
//
// # Debugging
//
// EVSHIM_STATS=10s prints a Stats line to stderr every 10 s;
// EVSHIM_DEBUG_SIGNAL=USR1 (or USR2, QUIT) prints the stats and every
// reactor's stack when that signal arrives, as gevent's print_run_info.
//
// # Logging
//
// gnet's process-global logger writes to stdout by default; the loop
// routes it to stderr (warnings and errors only) when it starts, unless
// GNET_LOGGING_FILE names a file. Note that gnet panics at import when
// GNET_LOGGING_LEVEL is set to something other than an integer.
//
// # Platforms
//
// Where gnet has no poller (Windows, Plan 9, wasm, Solaris), Available
// reports false, Default returns nil, and the compat packages serve every
// call through the standard library; CurrentStats reports Fallback.
package loop
