package queue_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// settle bounds how long a test waits for other goroutines to reach a state
// (say, parked in Get) before it reports them stuck. It is a watchdog, not a
// measurement: on a healthy run the state is reached in microseconds.
// EVSHIM_TEST_TIMEOUT_SCALE multiplies it on slow machines.
var settle = func() time.Duration {
	d := 20 * time.Second
	if f, err := strconv.ParseFloat(os.Getenv("EVSHIM_TEST_TIMEOUT_SCALE"), 64); err == nil && f > 0 {
		d = time.Duration(float64(d) * f)
	}
	return d
}()

// eventually polls cond until it holds, failing the test if it does not
// within settle.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	stop := time.Now().Add(settle)
	for !cond() {
		if time.Now().After(stop) {
			t.Fatalf("gave up waiting for %s after %v", what, settle)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// result is the outcome of one call made in a goroutine.
type result[T any] struct {
	v   T
	err error
}

// async runs f in a goroutine and returns a channel for its result. The
// channel is buffered so that an abandoned result never leaks the goroutine.
func async[T any](f func() (T, error)) <-chan result[T] {
	ch := make(chan result[T], 1)
	go func() {
		v, err := f()
		ch <- result[T]{v, err}
	}()
	return ch
}

// asyncErr is async for calls that return only an error.
func asyncErr(f func() error) <-chan result[struct{}] {
	return async(func() (struct{}, error) { return struct{}{}, f() })
}

// timeAfterSettle returns a channel that fires after settle.
func timeAfterSettle() <-chan time.Time { return time.After(settle) }

// recv waits for a result, failing the test if none arrives within settle.
func recv[T any](t *testing.T, ch <-chan result[T]) result[T] {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(settle):
		t.Fatalf("no result after %v", settle)
		panic("unreachable")
	}
}

// mustPend fails the test if a result has already arrived on ch.
func mustPend[T any](t *testing.T, ch <-chan result[T], what string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("%s returned (%v, %v); want it still waiting", what, r.v, r.err)
	default:
	}
}

var bg = context.Background()

// canceled returns a context that has already ended.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
