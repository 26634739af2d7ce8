package signal

import (
	"os"
	"reflect"

	"github.com/evshim/evshim/internal/loop"
)

// relay is the process's one goroutine between os/signal and the loop. It
// receives from the sources, one channel per signal registered with
// os/signal, appends to table.pending and posts a fan-out onto the loop.
//
// It uses a channel per signal rather than one channel for the union because
// os/signal can take one signal off one channel only through Stop of that
// channel: Reset and Ignore act on every channel in the process, including
// those of code that uses os/signal directly. With a channel per signal, the
// last Stop of a signal here unregisters exactly that signal, os/signal's
// reference count drops exactly as it would have without this package, and
// the signal's default action comes back when nobody else wants it.
//
// The relay runs while at least one source is registered; the reg holder
// that removes the last one stops it and waits for it.
type relay struct {
	ctl  chan request  // unbuffered; sent on only by the reg holder
	done chan struct{} // closed when the goroutine returns
}

// request asks the relay to rebuild its select cases from table.sources,
// move whatever the current and retired sources buffer to pending, and fan
// it out. ack, if non-nil, is closed after that fan-out has run; quit makes
// the relay return after posting it.
type request struct {
	ack  chan struct{}
	quit bool
}

// startRelay starts the relay. The caller holds table.reg.
func startRelay() {
	r := &relay{ctl: make(chan request), done: make(chan struct{})}
	table.relay = r
	go r.run()
}

// rebuildRelay has the relay pick up new sources, starting it if needed.
// The caller holds table.reg.
func rebuildRelay() {
	if table.relay == nil {
		startRelay()
		return
	}
	table.relay.ctl <- request{}
}

// syncRelay has the relay pick up the current sources and fan out every
// signal they buffer, and waits until that fan-out has run. When no source
// remains it also stops the relay, so that a process (or a test under
// goleak) that has undone every registration runs no goroutine of this
// package. The caller holds table.reg.
func syncRelay() {
	r := table.relay
	if r == nil {
		return
	}
	req := request{ack: make(chan struct{}), quit: true}
	for _, src := range table.sources {
		if src != nil {
			req.quit = false
			break
		}
	}
	r.ctl <- req
	<-req.ack
	if req.quit {
		<-r.done
		table.relay = nil
	}
}

func (r *relay) run() {
	defer close(r.done)
	cases, _ := r.cases()
	for {
		i, v, _ := reflect.Select(cases)
		if i > 0 {
			sig := v.Interface().(os.Signal)
			table.mu.Lock()
			hook := table.testHookRelayed
			table.mu.Unlock()
			if hook != nil {
				hook(sig)
			}
			enqueue(sig)
			dispatch(nil)
			continue
		}
		req := v.Interface().(request)
		table.mu.Lock()
		retired := table.retired
		table.retired = nil
		table.mu.Unlock()
		var srcs []chan os.Signal
		cases, srcs = r.cases()
		for _, src := range append(srcs, retired...) {
			drain(src)
		}
		dispatch(req.ack)
		if req.quit {
			return
		}
	}
}

// cases returns the select cases for the control channel and the current
// sources, and the sources themselves.
func (r *relay) cases() ([]reflect.SelectCase, []chan os.Signal) {
	cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(r.ctl)}}
	var srcs []chan os.Signal
	table.mu.Lock()
	for _, src := range table.sources {
		if src != nil {
			srcs = append(srcs, src)
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(src)})
		}
	}
	table.mu.Unlock()
	return cases, srcs
}

// drain moves everything src buffers to pending without waiting.
func drain(src chan os.Signal) {
	for {
		select {
		case sig := <-src:
			enqueue(sig)
		default:
			return
		}
	}
}

func enqueue(sig os.Signal) {
	table.mu.Lock()
	if len(table.pending) < maxPending {
		table.pending = append(table.pending, sig)
	}
	table.mu.Unlock()
}

// dispatch runs fanOut as a loop callback, then closes ack if it is non-nil.
func dispatch(ack chan struct{}) {
	task := func() {
		fanOut()
		if ack != nil {
			close(ack)
		}
	}
	if lp := loop.Default(); lp != nil && lp.Post(task) == nil {
		return
	}
	// No loop on this platform, or it is shutting down: deliver from here,
	// as os/signal delivers from its own goroutine.
	task()
}
