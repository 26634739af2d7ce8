//go:build unix

package signal_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/evshim/evshim/compat/signal"
	"github.com/evshim/evshim/internal/loop"
	"github.com/google/go-cmp/cmp"
)

// ctxState is what a caller can observe of a context.
type ctxState struct {
	String      string
	Err         string
	Cause       string
	CauseType   string // %T, "signal.signalError" in both packages
	IsCanceled  bool   // errors.Is(cause, context.Canceled)
	ChildString string // String of a context derived from it
}

func observe(ctx context.Context) ctxState {
	s := ctxState{String: fmt.Sprint(ctx)}
	if err := ctx.Err(); err != nil {
		s.Err = err.Error()
	}
	if cause := context.Cause(ctx); cause != nil {
		s.Cause = cause.Error()
		s.CauseType = fmt.Sprintf("%T", cause)
		s.IsCanceled = errors.Is(cause, context.Canceled)
	}
	child, cancel := context.WithCancel(ctx)
	s.ChildString = fmt.Sprint(child)
	cancel()
	return s
}

type ctxKey struct{}

// TestNotifyContextString compares the text of the returned context for
// several parents and signal lists.
func TestNotifyContextString(t *testing.T) {
	parents := []struct {
		name string
		ctx  func() context.Context
	}{
		{"background", context.Background},
		{"todo", context.TODO},
		{"value", func() context.Context { return context.WithValue(context.Background(), ctxKey{}, "v") }},
		{"cancel", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			return ctx
		}},
	}
	sigLists := [][]os.Signal{
		nil,
		{syscall.SIGUSR1},
		{syscall.SIGUSR1, syscall.SIGHUP, os.Interrupt},
	}
	for _, p := range parents {
		for _, sigs := range sigLists {
			t.Run(fmt.Sprintf("parent=%s/sigs=%d", p.name, len(sigs)), func(t *testing.T) {
				// Only the text is compared: with no signals listed, any
				// signal cancels, including the SIGURG the runtime sends
				// itself, so Err and Cause depend on timing.
				var texts [][2]string
				for _, im := range impls {
					ctx, stop := im.NotifyContext(p.ctx(), sigs...)
					st := observe(ctx)
					stop()
					texts = append(texts, [2]string{st.String, st.ChildString})
				}
				if diff := cmp.Diff(texts[0], texts[1]); diff != "" {
					t.Errorf("String of the context and of a child (-os/signal +compat):\n%s", diff)
				}
			})
		}
	}
}

// TestNotifyContextSignal cancels contexts of both packages with a real
// signal and compares what they report, before and after stop. Here the
// cancellation must run on the loop.
func TestNotifyContextSignal(t *testing.T) {
	const sig = syscall.SIGUSR2
	run := func(t *testing.T, im impl) (got, stopped ctxState) {
		ctx, stop := im.NotifyContext(context.Background(), sig)
		defer stop()
		kill(t, sig)
		select {
		case <-ctx.Done():
		case <-timeAfterWait():
			t.Fatalf("impl=%s: context not done within %v of %v", im.name, waitTime, sig)
		}
		got = observe(ctx)
		stop()
		return got, observe(ctx)
	}
	wantGot, wantStopped := run(t, stdImpl)

	var onLoop, offLoop atomic.Int32
	defer signal.SetFanOutHook(func() {
		if loop.InLoop() {
			onLoop.Add(1)
		} else {
			offLoop.Add(1)
		}
	})()
	got, stopped := run(t, compatImpl)
	if diff := cmp.Diff(wantGot, got); diff != "" {
		t.Errorf("context after %v (-os/signal +compat):\n%s", sig, diff)
	}
	if diff := cmp.Diff(wantStopped, stopped); diff != "" {
		t.Errorf("context after %v and stop (-os/signal +compat):\n%s", sig, diff)
	}
	if onLoop.Load() == 0 || offLoop.Load() != 0 {
		t.Errorf("fan-outs on the loop: %d, elsewhere: %d; want all on the loop", onLoop.Load(), offLoop.Load())
	}
}

// TestNotifyContextParentDone compares contexts whose parent ends first,
// with and without a cause, including a parent that ended before
// NotifyContext was called.
func TestNotifyContextParentDone(t *testing.T) {
	parentErr := errors.New("parent gave up")
	tests := []struct {
		name   string
		early  bool  // cancel the parent before NotifyContext
		cause  error // nil cancels without a cause
		reason string
	}{
		{name: "late", reason: "the parent's Canceled propagates"},
		{name: "late-cause", cause: parentErr, reason: "context.Cause reports the parent's cause"},
		{name: "early", early: true, reason: "os/signal starts no goroutine for a done parent"},
		{name: "early-cause", early: true, cause: parentErr, reason: "the cause is the parent's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var states []ctxState
			for _, im := range impls {
				parent, cancel := context.WithCancelCause(context.Background())
				if tt.early {
					cancel(tt.cause)
				}
				ctx, stop := im.NotifyContext(parent, syscall.SIGUSR1)
				cancel(tt.cause)
				<-ctx.Done()
				states = append(states, observe(ctx))
				stop()
			}
			if diff := cmp.Diff(states[0], states[1]); diff != "" {
				t.Errorf("context (-os/signal +compat):\n%s", diff)
			}
		})
	}
}
