package queue_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/evshim/evshim/compat/queue"
	"github.com/evshim/evshim/internal/loop"
)

// onLoop runs f as a loop callback and returns its error. It also checks
// that the callback really went through the loop: the loop's task counter
// moved and loop.InLoop held inside f.
func onLoop(t *testing.T, f func() error) error {
	t.Helper()
	lp := loop.Default()
	if lp == nil {
		t.Skip("no event loop on this platform: nothing can run on one")
	}
	before := lp.Stats().Tasks
	type out struct {
		inLoop bool
		err    error
	}
	ch := make(chan out, 1)
	if err := lp.Post(func() { ch <- out{loop.InLoop(), f()} }); err != nil {
		t.Fatalf("Post: %v", err)
	}
	var o out
	select {
	case o = <-ch:
	case <-timeAfterSettle():
		t.Fatalf("loop callback did not return within %v: a wait parked the loop", settle)
	}
	if !o.inLoop {
		t.Fatal("posted func did not run on a loop goroutine")
	}
	// The loop counts a task after its func returns, so the counter may
	// trail our receive by a moment.
	eventually(t, "the loop's Tasks counter to move", func() bool { return lp.Stats().Tasks > before })
	return o.err
}

// TestOnLoop checks that every call that would wait fails fast with
// ErrOnLoop on a loop goroutine instead of parking it, and that calls that
// need not wait work there.
func TestOnLoop(t *testing.T) {
	empty := queue.New[int](1)
	full := queue.New[int](1)
	full.TryPut(1)
	var ch queue.Channel[int]
	blocking := []struct {
		name string
		call func() error
	}{
		{name: "Queue.Get", call: func() error { _, err := empty.Get(bg); return err }},
		{name: "Queue.Peek", call: func() error { _, err := empty.Peek(bg); return err }},
		{name: "Queue.Put", call: func() error { return full.Put(bg, 2) }},
		{name: "Queue.Join", call: func() error { return full.Join(bg) }},
		{name: "Channel.Get", call: func() error { _, err := ch.Get(bg); return err }},
		{name: "Channel.Put", call: func() error { return ch.Put(bg, 1) }},
	}
	for _, tt := range blocking {
		t.Run(tt.name, func(t *testing.T) {
			err := onLoop(t, tt.call)
			if !errors.Is(err, queue.ErrOnLoop) {
				t.Fatalf("%s on the loop = %v; want ErrOnLoop", tt.name, err)
			}
			if !strings.Contains(err.Error(), "TryGet") {
				t.Errorf("ErrOnLoop text %q does not say what to do instead", err)
			}
		})
	}
	for _, q := range []*queue.Queue[int]{empty, full} {
		if g, p, u, j := q.Waiting(); g+p+u+j != 0 {
			t.Errorf("waiters left after ErrOnLoop: %d %d %d %d", g, p, u, j)
		}
	}
	if g, p := ch.Waiting(); g+p != 0 {
		t.Errorf("channel waiters left after ErrOnLoop: %d %d", g, p)
	}

	nonBlocking := []struct {
		name string
		call func() error
	}{
		{name: "Queue.Get-with-item", call: func() error { v, err := full.Get(bg); return check(v, 1, err) }},
		{name: "Queue.Put-with-room", call: func() error { return full.Put(bg, 2) }},
		{name: "Queue.Peek-with-item", call: func() error { v, err := full.Peek(bg); return check(v, 2, err) }},
		{name: "Queue.TryGet", call: func() error { v, err := full.TryGet(); return check(v, 2, err) }},
		{name: "Queue.TryPut", call: func() error { return empty.TryPut(3) }},
		{name: "Queue.TryPeek", call: func() error { v, err := empty.TryPeek(); return check(v, 3, err) }},
		{name: "Channel.TryGet", call: func() error {
			if _, err := ch.TryGet(); err != queue.ErrEmpty {
				return err
			}
			return nil
		}},
	}
	for _, tt := range nonBlocking {
		t.Run(tt.name, func(t *testing.T) {
			if err := onLoop(t, tt.call); err != nil {
				t.Errorf("%s on the loop = %v", tt.name, err)
			}
		})
	}
}

// TestOnLoopHandOff shows the intended pattern: a loop callback hands work
// to a goroutine with TryPut, and the goroutine waits with Get.
func TestOnLoopHandOff(t *testing.T) {
	q := queue.New[string](1)
	done := async(func() (string, error) { return q.Get(bg) })
	if err := onLoop(t, func() error { return q.TryPut("from the loop") }); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, done); r.v != "from the loop" || r.err != nil {
		t.Errorf("Get = %q, %v", r.v, r.err)
	}
}

func check(got, want int, err error) error {
	if err != nil {
		return err
	}
	if got != want {
		return errors.New("wrong item")
	}
	return nil
}
