package signal

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
)

// NotifyContext returns a copy of the parent context that is marked done
// (its Done channel is closed) when one of the listed signals arrives, when
// the returned stop function is called, or when the parent context's Done
// channel is closed, whichever happens first.
//
// The stop function unregisters the signal behavior, which, like [Reset],
// may restore the default behavior for a given signal. If a signal causes
// the returned context to be canceled, calling [context.Cause] on it returns
// an error describing the signal, with the text os/signal uses ("interrupt
// signal received"). The stop function releases resources associated with
// it, so code should call stop as soon as the operations running in this
// Context complete and signals no longer need to be diverted to the context.
//
// The context is canceled on the event loop when the signal is fanned out;
// unlike os/signal's, it needs no goroutine of its own to wait for the
// signal.
func NotifyContext(parent context.Context, signals ...os.Signal) (ctx context.Context, stop context.CancelFunc) {
	if !cooperative {
		return signal.NotifyContext(parent, signals...)
	}
	inner, cancel := context.WithCancelCause(parent)
	c := &signalCtx{
		Context: inner,
		cancel:  cancel,
		signals: signals,
		key:     make(chan os.Signal),
	}
	notify(c.key, c.received, signals)
	return c, c.stop
}

// signalCtx is the Context NotifyContext returns. All its fields are set
// before it is returned and never change.
type signalCtx struct {
	context.Context // from context.WithCancelCause(parent)

	cancel  context.CancelCauseFunc
	signals []os.Signal    // as passed to NotifyContext, for String
	key     chan os.Signal // names the registration in table.handlers; nothing is sent on it
}

// received runs as a loop callback for every listed signal that arrives.
// Only the first cancels: a context keeps its first cause.
func (c *signalCtx) received(sig os.Signal) {
	c.cancel(signalError(sig.String() + " signal received"))
}

func (c *signalCtx) stop() {
	c.cancel(nil)
	Stop(c.key)
}

// String returns the text os/signal's NotifyContext context prints, for
// example "signal.NotifyContext(context.Background, [interrupt])".
func (c *signalCtx) String() string {
	// The inner context is a cancel context whose String is its parent's
	// name followed by ".WithCancel".
	parent := strings.TrimSuffix(fmt.Sprint(c.Context), ".WithCancel")
	var b strings.Builder
	b.WriteString("signal.NotifyContext(")
	b.WriteString(parent)
	if len(c.signals) > 0 {
		b.WriteString(", [")
		for i, s := range c.signals {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s.String())
		}
		b.WriteByte(']')
	}
	b.WriteByte(')')
	return b.String()
}

// signalError is the cause NotifyContext records for a signal. As in
// os/signal it matches [context.Canceled] under errors.Is, so code that
// checks for cancellation keeps working.
type signalError string

func (e signalError) Error() string { return string(e) }

func (e signalError) Is(target error) bool { return target == context.Canceled }
