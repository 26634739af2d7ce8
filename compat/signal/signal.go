package signal

import (
	"os"
	"os/signal"
)

// sourceBuffer is the buffer of each per-signal channel registered with
// os/signal. The runtime already merges repeats of a pending signal, and the
// relay empties the channel as fast as os/signal fills it; the buffer only
// absorbs a burst while the relay is descheduled, since os/signal drops a
// signal for a full channel.
const sourceBuffer = 32

// Notify causes package signal to relay incoming signals to c.
// If no signals are provided, all incoming signals will be relayed to c.
// Otherwise, just the provided signals will.
//
// Package signal will not block sending to c: the caller must ensure that c
// has sufficient buffer space to keep up with the expected signal rate. For
// a channel used for notification of just one signal value, a buffer of size
// 1 is sufficient.
//
// It is allowed to call Notify multiple times with the same channel: each
// call expands the set of signals sent to that channel. The only way to
// remove signals from the set is to call [Stop].
//
// It is allowed to call Notify multiple times with different channels and
// the same signals: each channel receives copies of incoming signals
// independently.
//
// The send to c runs on the event loop, in order with the loop's other
// callbacks. Notify is safe to call from any goroutine; it must not be
// called from a loop callback.
func Notify(c chan<- os.Signal, sig ...os.Signal) {
	if c == nil {
		// The stdlib's panic value, so that a recover sees the same thing.
		panic("os/signal: Notify using nil channel")
	}
	if !cooperative {
		signal.Notify(c, sig...)
		return
	}
	notify(c, nil, sig)
}

// notify registers c, or fn under the key c, for sigs.
func notify(c chan<- os.Signal, fn func(os.Signal), sigs []os.Signal) {
	nums := numbers(sigs)
	table.reg.Lock()
	defer table.reg.Unlock()

	added := false
	table.mu.Lock()
	h := table.handlers[c]
	if h == nil {
		if table.handlers == nil {
			table.handlers = make(map[chan<- os.Signal]*handler)
		}
		h = &handler{fn: fn}
		table.handlers[c] = h
	}
	for _, n := range nums {
		if !h.sigs.has(n) {
			h.sigs.add(n)
			table.ref[n]++
		}
		if table.sources[n] == nil {
			table.sources[n] = make(chan os.Signal, sourceBuffer)
			added = true
		}
	}
	table.mu.Unlock()

	for _, n := range nums {
		// For a source that is registered already this is a no-op in
		// os/signal. It matters when code calling os/signal's Reset or
		// Ignore directly has taken the signal away from the source: the
		// stdlib's Notify would enable the signal again, and so does this.
		signal.Notify(table.sources[n], signalOf(n))
	}
	if added {
		rebuildRelay()
	}
}

// Stop causes package signal to stop relaying incoming signals to c.
// It undoes the effect of all prior calls to [Notify] using c.
// When Stop returns, it is guaranteed that c will receive no more signals.
//
// As with os/signal, a signal caught before Stop was called is delivered to
// c rather than lost; Stop waits for the loop to deliver it. Stop must not be
// called from a loop callback.
func Stop(c chan<- os.Signal) {
	if !cooperative {
		signal.Stop(c)
		return
	}
	table.reg.Lock()
	defer table.reg.Unlock()

	table.mu.Lock()
	h := table.handlers[c]
	if h == nil {
		table.mu.Unlock()
		return
	}
	delete(table.handlers, c)
	var drop []int
	kept := -1
	for n := 0; n < numSig; n++ {
		if !h.sigs.has(n) {
			continue
		}
		table.ref[n]--
		if table.ref[n] == 0 {
			drop = append(drop, n)
		} else {
			kept = n
		}
	}
	// Until the relay has caught up, c keeps receiving through stopping:
	// a signal such as SIGINT must be either delivered or take its default
	// action, never caught and then dropped (the same race os/signal's Stop
	// closes, https://go.dev/issue/14571).
	table.stopping = stopping{c: c, h: h}
	hook := table.testHookStopWait
	table.mu.Unlock()

	// os/signal's Stop disables the signal once nobody wants it, and before
	// it returns it waits until the runtime has handed os/signal every
	// signal already caught; from then on those are in the source.
	for _, n := range drop {
		signal.Stop(table.sources[n])
	}
	if len(drop) == 0 && kept >= 0 {
		quiesce(kept)
	}
	retire(drop)
	if hook != nil {
		hook()
	}
	syncRelay()

	table.mu.Lock()
	table.stopping = stopping{}
	table.mu.Unlock()
}

// quiesce waits until os/signal has relayed every signal the runtime had
// caught, which os/signal's Stop does before it returns. Stop is the only
// way to ask for that wait, so quiesce registers a throwaway channel for
// signal n and stops it. A source holds n already, so os/signal neither
// enables nor disables anything, and a signal arriving meanwhile reaches the
// source as well as the throwaway channel. The caller holds table.reg.
func quiesce(n int) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, signalOf(n))
	signal.Stop(ch)
}

// retire takes the sources of the signals ns off the relay's set; the relay
// drains what they buffer on its next request. os/signal must no longer
// feed them. The caller holds table.reg.
func retire(ns []int) {
	table.mu.Lock()
	for _, n := range ns {
		table.retired = append(table.retired, table.sources[n])
		table.sources[n] = nil
	}
	table.mu.Unlock()
}

// Ignore causes the provided signals to be ignored. If they are received by
// the program, nothing will happen. Ignore undoes the effect of any prior
// calls to [Notify] for the provided signals.
// If no signals are provided, all incoming signals will be ignored.
//
// Like os/signal's, Ignore acts on the whole process: it also undoes Notify
// calls made on os/signal directly. It calls os/signal's Ignore.
func Ignore(sig ...os.Signal) {
	if !cooperative {
		signal.Ignore(sig...)
		return
	}
	cancel(sig, signal.Ignore)
}

// Ignored reports whether sig is currently ignored.
//
// It is os/signal's Ignored: the disposition is the runtime's, which this
// package does not keep a copy of.
func Ignored(sig os.Signal) bool {
	return signal.Ignored(sig)
}

// Reset undoes the effect of any prior calls to [Notify] for the provided
// signals.
// If no signals are provided, all signal handlers will be reset.
//
// Like os/signal's, Reset acts on the whole process: it also undoes Notify
// calls made on os/signal directly. It calls os/signal's Reset.
func Reset(sig ...os.Signal) {
	if !cooperative {
		signal.Reset(sig...)
		return
	}
	cancel(sig, signal.Reset)
}

// cancel removes sigs from every registration, then lets action (os/signal's
// Ignore or Reset) set their disposition, as os/signal does for both.
func cancel(sigs []os.Signal, action func(...os.Signal)) {
	nums := numbers(sigs)
	table.reg.Lock()
	defer table.reg.Unlock()

	var drop []int
	table.mu.Lock()
	for _, n := range nums {
		if table.ref[n] == 0 {
			continue
		}
		for c, h := range table.handlers {
			if h.sigs.has(n) {
				h.sigs.remove(n)
				if h.sigs.empty() {
					delete(table.handlers, c)
				}
			}
		}
		table.ref[n] = 0
		drop = append(drop, n)
	}
	table.mu.Unlock()

	// action unregisters the sources for these signals along with every
	// other channel in the process; the caller's own arguments go through
	// unchanged, so "no signals" means all of them there too.
	action(sigs...)
	retire(drop)
	syncRelay()
}

// numbers returns the signal numbers sigs names; all of them when sigs is
// empty. Values os/signal would ignore are left out.
func numbers(sigs []os.Signal) []int {
	var ns []int
	if len(sigs) == 0 {
		for n := 0; n < numSig; n++ {
			ns = append(ns, n)
		}
		return ns
	}
	for _, s := range sigs {
		if n := signum(s); n >= 0 {
			ns = append(ns, n)
		}
	}
	return ns
}
