// Package signal is a drop-in replacement for the standard library's
// [os/signal] package whose deliveries run on evshim's event loop.
//
// It has exactly the exports of os/signal, with the same signatures and
// semantics: [Notify] never blocks sending to a channel (a full channel
// misses the signal), no signal reaches a channel after [Stop] returns,
// [NotifyContext] cancels with the same cause and prints the same String,
// and [Ignore], [Ignored] and [Reset] act on the whole process as os/signal's
// do. Code that imports os/signal directly keeps working beside it: both
// receive every signal they asked for.
//
// # How signals travel
//
// This package does not catch signals itself. For each signal that some
// channel here wants, it holds one registration with os/signal, on an
// internal channel, and releases it when the last such channel stops
// wanting the signal; so the runtime's disposition of each signal (caught,
// default or ignored) is what it would be had every caller used os/signal.
// One relay goroutine,
// running only while some signal is registered, receives from those
// channels and posts each signal onto the loop; the loop callback sends it,
// without blocking, to every channel that wants it. A signal therefore
// reaches a channel in order with the loop's other callbacks, and the loop's
// Stats count the deliveries as tasks.
//
// # Differences
//
//   - A signal makes two extra hops, relay and loop, before it reaches a
//     channel. If the loop is stalled for more than a few hundred signals,
//     later ones are dropped, as os/signal drops a signal for a full channel.
//   - Where there is no loop (windows, plan9, js and wasip1), every function
//     is os/signal's own. On unix platforms without a loop (aix, illumos,
//     solaris), or when the loop cannot start or a loop.Shutdown races the
//     delivery, the relay sends to the channels from its own goroutine, as
//     os/signal does. An idle loop starts again for a delivery, and stops
//     once Stop has removed every channel.
//   - NotifyContext cancels its context on the loop and starts no goroutine;
//     os/signal's starts one per context until the context ends.
//   - Calling os/signal's Reset or Ignore directly also takes the signals
//     away from this package, as the stdlib documents; a later Notify here
//     for one of those signals then re-enables it for every channel here
//     that still wants it, where os/signal would re-enable it for the new
//     channel only.
//   - Notify, Stop, Ignore and Reset must not be called from a loop
//     callback, since Stop waits for the loop. Code outside evshim never runs
//     on the loop.
//
// The generated coverage table, COMPAT.md at the repository root, lists each
// export with its status and the tests behind it.
package signal
