package queue_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/evshim/evshim/compat/queue"
	"github.com/google/go-cmp/cmp/cmpopts"

	gocmp "github.com/google/go-cmp/cmp"
)

// item is what the ordering tests queue: pri orders, id tells ties apart.
type item struct{ Pri, ID int }

func lessPri(a, b item) bool { return a.Pri < b.Pri }

// drain empties q with TryGet.
func drain[T any](t *testing.T, q *queue.Queue[T]) []T {
	t.Helper()
	var got []T
	for {
		v, err := q.TryGet()
		if errors.Is(err, queue.ErrEmpty) || errors.Is(err, queue.ErrShutDown) {
			return got
		}
		if err != nil {
			t.Fatalf("TryGet: %v", err)
		}
		got = append(got, v)
	}
}

func TestOrder(t *testing.T) {
	in := []item{{3, 0}, {1, 1}, {2, 2}, {1, 3}, {3, 4}, {2, 5}, {1, 6}}
	tests := []struct {
		name string
		q    *queue.Queue[item]
		want []item
	}{
		{name: "fifo", q: queue.New[item](0), want: in},
		{name: "lifo", q: queue.NewLIFO[item](0), want: []item{{1, 6}, {2, 5}, {3, 4}, {1, 3}, {2, 2}, {1, 1}, {3, 0}}},
		// Python's heapq recipe: ties leave in insertion order.
		{name: "priority-stable-ties", q: queue.NewPriority(0, lessPri), want: []item{{1, 1}, {1, 3}, {1, 6}, {2, 2}, {2, 5}, {3, 0}, {3, 4}}},
		{name: "zero-value-is-fifo", q: new(queue.Queue[item]), want: in},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range in {
				if err := tt.q.Put(bg, v); err != nil {
					t.Fatalf("Put(%v): %v", v, err)
				}
			}
			if got, err := tt.q.TryPeek(); err != nil || got != tt.want[0] {
				t.Errorf("TryPeek() = %v, %v; want %v, nil", got, err, tt.want[0])
			}
			if diff := gocmp.Diff(tt.want, drain(t, tt.q)); diff != "" {
				t.Errorf("order mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPriorityLarge checks the heap against a stable sort over enough items
// to grow and shrink its storage.
func TestPriorityLarge(t *testing.T) {
	q := queue.NewPriority(0, cmp.Less[int])
	var in []int
	for i := range 1000 {
		v := (i * 7919) % 101
		in = append(in, v)
		if err := q.TryPut(v); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(in)
	if diff := gocmp.Diff(in, drain(t, q)); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestNonBlocking(t *testing.T) {
	q := queue.New[int](2)
	if _, err := q.TryGet(); err != queue.ErrEmpty {
		t.Errorf("TryGet on empty = %v; want ErrEmpty", err)
	}
	if _, err := q.TryPeek(); err != queue.ErrEmpty {
		t.Errorf("TryPeek on empty = %v; want ErrEmpty", err)
	}
	for i := range 2 {
		if err := q.TryPut(i); err != nil {
			t.Fatalf("TryPut(%d) = %v", i, err)
		}
	}
	if err := q.TryPut(2); err != queue.ErrFull {
		t.Errorf("TryPut on full = %v; want ErrFull", err)
	}
	if v, err := q.TryGet(); v != 0 || err != nil {
		t.Errorf("TryGet = %v, %v; want 0, nil", v, err)
	}
}

func TestLenCapEmptyFull(t *testing.T) {
	tests := []struct {
		name          string
		q             *queue.Queue[int]
		puts          int
		wantCap       int
		wantFullAtEnd bool
	}{
		{name: "bounded", q: queue.New[int](3), puts: 3, wantCap: 3, wantFullAtEnd: true},
		{name: "bounded-partly", q: queue.NewLIFO[int](3), puts: 2, wantCap: 3},
		{name: "unbounded-zero", q: queue.New[int](0), puts: 100, wantCap: 0},
		{name: "unbounded-negative", q: queue.NewPriority(-5, cmp.Less[int]), puts: 100, wantCap: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.q.Empty() || tt.q.Full() || tt.q.Len() != 0 {
				t.Fatalf("new queue: Empty=%v Full=%v Len=%d", tt.q.Empty(), tt.q.Full(), tt.q.Len())
			}
			for i := range tt.puts {
				if err := tt.q.TryPut(i); err != nil {
					t.Fatal(err)
				}
			}
			if got := tt.q.Len(); got != tt.puts {
				t.Errorf("Len = %d; want %d", got, tt.puts)
			}
			if got := tt.q.Cap(); got != tt.wantCap {
				t.Errorf("Cap = %d; want %d", got, tt.wantCap)
			}
			if got := tt.q.Full(); got != tt.wantFullAtEnd {
				t.Errorf("Full = %v; want %v", got, tt.wantFullAtEnd)
			}
			if tt.q.Empty() {
				t.Errorf("Empty = true after %d puts", tt.puts)
			}
		})
	}
}

// TestGetWaits covers a Get that waits for its item: waiting Gets are served
// in arrival order, and each Put wakes exactly one of them (no thundering
// herd).
func TestGetWaits(t *testing.T) {
	q := queue.New[int](0)
	const n = 4
	var chs []<-chan result[int]
	for i := range n {
		chs = append(chs, async(func() (int, error) { return q.Get(bg) }))
		eventually(t, "Get to park", func() bool { g, _, _, _ := q.Waiting(); return g == i+1 })
	}
	for i := range n {
		if err := q.Put(bg, 100+i); err != nil {
			t.Fatal(err)
		}
		r := recv(t, chs[i])
		if r.v != 100+i || r.err != nil {
			t.Errorf("Get #%d = %v, %v; want %d, nil", i, r.v, r.err, 100+i)
		}
		if g, _, _, _ := q.Waiting(); g != n-1-i {
			t.Errorf("after Put #%d, %d Gets wait; want %d", i, g, n-1-i)
		}
		for _, ch := range chs[i+1:] {
			mustPend(t, ch, "a later Get")
		}
	}
	if q.Len() != 0 || q.Unfinished() != n {
		t.Errorf("Len=%d Unfinished=%d; want 0 and %d", q.Len(), q.Unfinished(), n)
	}
}

// TestPutWaits covers a Put that waits for a free slot: waiting Puts enter
// in arrival order as Gets free slots, one per Get.
func TestPutWaits(t *testing.T) {
	q := queue.New[int](1)
	if err := q.Put(bg, 0); err != nil {
		t.Fatal(err)
	}
	const n = 3
	var chs []<-chan result[struct{}]
	for i := range n {
		chs = append(chs, asyncErr(func() error { return q.Put(bg, 1+i) }))
		eventually(t, "Put to park", func() bool { _, _, p, _ := q.Waiting(); return p == i+1 })
	}
	for i := range n + 1 {
		v, err := q.Get(bg)
		if v != i || err != nil {
			t.Fatalf("Get #%d = %v, %v; want %d, nil", i, v, err, i)
		}
		if i < n {
			if r := recv(t, chs[i]); r.err != nil {
				t.Errorf("Put(%d) = %v", i+1, r.err)
			}
			for _, ch := range chs[i+1:] {
				mustPend(t, ch, "a later Put")
			}
			if !q.Full() {
				t.Errorf("queue not full after Get #%d admitted a waiting Put", i)
			}
		}
	}
}

// TestContext covers waits that end with their context: the error is the
// context's, nothing stays parked, and the queue is unchanged.
func TestContext(t *testing.T) {
	deadline := func() context.Context {
		ctx, cancel := context.WithTimeout(bg, 0)
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name string
		ctx  func() context.Context
		want error
	}{
		{name: "canceled", ctx: canceled, want: context.Canceled},
		{name: "deadline", ctx: deadline, want: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := queue.New[int](1)
			full.TryPut(7)
			if err := full.Put(tt.ctx(), 8); err != tt.want {
				t.Errorf("Put on full = %v; want %v", err, tt.want)
			}
			empty := queue.New[int](1)
			if _, err := empty.Get(tt.ctx()); err != tt.want {
				t.Errorf("Get on empty = %v; want %v", err, tt.want)
			}
			if _, err := empty.Peek(tt.ctx()); err != tt.want {
				t.Errorf("Peek on empty = %v; want %v", err, tt.want)
			}
			if err := full.Join(tt.ctx()); err != tt.want {
				t.Errorf("Join with a task pending = %v; want %v", err, tt.want)
			}
			for _, q := range []*queue.Queue[int]{full, empty} {
				if g, p, u, j := q.Waiting(); g+p+u+j != 0 {
					t.Errorf("waiters left: %d %d %d %d", g, p, u, j)
				}
			}
			if v, err := full.TryGet(); v != 7 || err != nil || full.Len() != 0 {
				t.Errorf("full queue changed: TryGet = %v, %v, Len %d", v, err, full.Len())
			}
			// A call that need not wait succeeds whatever its context.
			if err := empty.Put(tt.ctx(), 1); err != nil {
				t.Errorf("Put with room = %v; want nil", err)
			}
			if v, err := empty.Get(tt.ctx()); v != 1 || err != nil {
				t.Errorf("Get with an item = %v, %v; want 1, nil", v, err)
			}
		})
	}
}

// TestCancelWhileParked cancels a parked Get and Put and checks that later
// items go to the remaining waiters, not to the abandoned ones.
func TestCancelWhileParked(t *testing.T) {
	q := queue.New[int](0)
	ctx, cancel := context.WithCancel(bg)
	first := async(func() (int, error) { return q.Get(ctx) })
	eventually(t, "first Get to park", func() bool { g, _, _, _ := q.Waiting(); return g == 1 })
	second := async(func() (int, error) { return q.Get(bg) })
	eventually(t, "second Get to park", func() bool { g, _, _, _ := q.Waiting(); return g == 2 })
	cancel()
	if r := recv(t, first); r.err != context.Canceled {
		t.Fatalf("canceled Get = %v, %v; want context.Canceled", r.v, r.err)
	}
	q.TryPut(5)
	if r := recv(t, second); r.v != 5 || r.err != nil {
		t.Errorf("second Get = %v, %v; want 5, nil", r.v, r.err)
	}

	b := queue.New[int](1)
	b.TryPut(1)
	pctx, pcancel := context.WithCancel(bg)
	put := asyncErr(func() error { return b.Put(pctx, 2) })
	eventually(t, "Put to park", func() bool { _, _, p, _ := b.Waiting(); return p == 1 })
	pcancel()
	if r := recv(t, put); r.err != context.Canceled {
		t.Fatalf("canceled Put = %v; want context.Canceled", r.err)
	}
	if got := drain(t, b); !slices.Equal(got, []int{1}) || b.Unfinished() != 1 {
		t.Errorf("after canceled Put: items %v, Unfinished %d; want [1], 1", got, b.Unfinished())
	}
}

// TestCancelRace races cancellation against hand-off. Whatever wins, every
// item put is received exactly once: an item handed to a Get whose context
// ends at the same moment is returned, not dropped.
func TestCancelRace(t *testing.T) {
	const rounds = 300
	q := queue.New[int](0)
	var got []int
	for i := range rounds {
		ctx, cancel := context.WithCancel(bg)
		ch := async(func() (int, error) { return q.Get(ctx) })
		eventually(t, "Get to park", func() bool { g, _, _, _ := q.Waiting(); return g == 1 })
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			cancel()
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.TryPut(i)
		}()
		wg.Wait()
		r := recv(t, ch)
		switch {
		case r.err == nil:
			got = append(got, r.v)
		case r.err != context.Canceled:
			t.Fatalf("Get = %v", r.err)
		}
		// If the cancellation won, the item stayed in the queue.
		got = append(got, drain(t, q)...)
	}
	want := make([]int, rounds)
	for i := range want {
		want[i] = i
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("items lost or duplicated (-want +got):\n%s", diff)
	}
}

func TestPeek(t *testing.T) {
	q := queue.New[int](0)
	p1 := async(func() (int, error) { return q.Peek(bg) })
	p2 := async(func() (int, error) { return q.Peek(bg) })
	eventually(t, "Peeks to park", func() bool { _, p, _, _ := q.Waiting(); return p == 2 })
	g := async(func() (int, error) { return q.Get(bg) })
	eventually(t, "Get to park", func() bool { n, _, _, _ := q.Waiting(); return n == 1 })
	q.TryPut(9)
	for _, ch := range []<-chan result[int]{p1, p2, g} {
		if r := recv(t, ch); r.v != 9 || r.err != nil {
			t.Errorf("= %v, %v; want 9, nil", r.v, r.err)
		}
	}
	// The waiting Get took the item; the peeks did not remove anything.
	if q.Len() != 0 {
		t.Errorf("Len = %d; want 0", q.Len())
	}
	q.TryPut(1)
	q.TryPut(2)
	if v, err := q.Peek(bg); v != 1 || err != nil || q.Len() != 2 {
		t.Errorf("Peek = %v, %v (Len %d); want 1, nil (Len 2)", v, err, q.Len())
	}
}

func TestTaskDoneJoin(t *testing.T) {
	q := queue.New[int](0)
	if err := q.Join(bg); err != nil {
		t.Fatalf("Join on a fresh queue = %v", err)
	}
	if err := q.TaskDone(); err != queue.ErrTooManyTaskDone {
		t.Fatalf("TaskDone on a fresh queue = %v; want ErrTooManyTaskDone", err)
	}
	for i := range 3 {
		q.TryPut(i)
	}
	joins := []<-chan result[struct{}]{
		asyncErr(func() error { return q.Join(bg) }),
		asyncErr(func() error { return q.Join(bg) }),
	}
	eventually(t, "Joins to park", func() bool { _, _, _, j := q.Waiting(); return j == 2 })
	for i := range 3 {
		q.TryGet()
		if err := q.TaskDone(); err != nil {
			t.Fatalf("TaskDone #%d = %v", i, err)
		}
		if i < 2 {
			for _, ch := range joins {
				mustPend(t, ch, "Join")
			}
		}
	}
	for _, ch := range joins {
		if r := recv(t, ch); r.err != nil {
			t.Errorf("Join = %v", r.err)
		}
	}
	if err := q.TaskDone(); err != queue.ErrTooManyTaskDone {
		t.Errorf("extra TaskDone = %v; want ErrTooManyTaskDone", err)
	}
	if q.Unfinished() != 0 {
		t.Errorf("Unfinished = %d after a rejected TaskDone; want 0", q.Unfinished())
	}
}

// TestShutdown follows CPython's test_queue shutdown cases and the 3.13
// documentation of Queue.shutdown, including the immediate case's task
// count as gh-137088 documents it.
func TestShutdown(t *testing.T) {
	t.Run("put-fails-get-drains", func(t *testing.T) {
		q := queue.New[int](0)
		q.TryPut(1)
		q.TryPut(2)
		q.Shutdown(false)
		if err := q.Put(bg, 3); err != queue.ErrShutDown {
			t.Errorf("Put after Shutdown = %v; want ErrShutDown", err)
		}
		if err := q.TryPut(3); err != queue.ErrShutDown {
			t.Errorf("TryPut after Shutdown = %v; want ErrShutDown", err)
		}
		if v, err := q.Peek(bg); v != 1 || err != nil {
			t.Errorf("Peek = %v, %v; want 1, nil", v, err)
		}
		if v, err := q.Get(bg); v != 1 || err != nil {
			t.Errorf("Get = %v, %v; want 1, nil", v, err)
		}
		if v, err := q.TryGet(); v != 2 || err != nil {
			t.Errorf("TryGet = %v, %v; want 2, nil", v, err)
		}
		if _, err := q.Get(bg); err != queue.ErrShutDown {
			t.Errorf("Get on drained = %v; want ErrShutDown", err)
		}
		if _, err := q.TryGet(); err != queue.ErrShutDown {
			t.Errorf("TryGet on drained = %v; want ErrShutDown, not ErrEmpty", err)
		}
		if _, err := q.TryPeek(); err != queue.ErrShutDown {
			t.Errorf("TryPeek on drained = %v; want ErrShutDown", err)
		}
		// TaskDone keeps working after shutdown.
		for range 2 {
			if err := q.TaskDone(); err != nil {
				t.Errorf("TaskDone after Shutdown = %v", err)
			}
		}
	})
	t.Run("unblocks-waiters", func(t *testing.T) {
		empty := queue.New[int](1)
		get := async(func() (int, error) { return empty.Get(bg) })
		peek := async(func() (int, error) { return empty.Peek(bg) })
		full := queue.New[int](1)
		full.TryPut(1)
		put := asyncErr(func() error { return full.Put(bg, 2) })
		eventually(t, "calls to park", func() bool {
			g, p, _, _ := empty.Waiting()
			_, _, u, _ := full.Waiting()
			return g == 1 && p == 1 && u == 1
		})
		empty.Shutdown(false)
		full.Shutdown(false)
		if r := recv(t, get); r.err != queue.ErrShutDown {
			t.Errorf("waiting Get = %v; want ErrShutDown", r.err)
		}
		if r := recv(t, peek); r.err != queue.ErrShutDown {
			t.Errorf("waiting Peek = %v; want ErrShutDown", r.err)
		}
		if r := recv(t, put); r.err != queue.ErrShutDown {
			t.Errorf("waiting Put = %v; want ErrShutDown", r.err)
		}
		if got := drain(t, full); !slices.Equal(got, []int{1}) {
			t.Errorf("items after Shutdown = %v; want [1] (the waiting Put's item is not added)", got)
		}
	})
	t.Run("immediate-drains-and-releases-join", func(t *testing.T) {
		q := queue.New[int](2)
		q.TryPut(1)
		q.TryPut(2)
		put := asyncErr(func() error { return q.Put(bg, 3) })
		join := asyncErr(func() error { return q.Join(bg) })
		eventually(t, "Put and Join to park", func() bool { _, _, u, j := q.Waiting(); return u == 1 && j == 1 })
		q.Shutdown(true)
		if r := recv(t, put); r.err != queue.ErrShutDown {
			t.Errorf("waiting Put = %v; want ErrShutDown", r.err)
		}
		if r := recv(t, join); r.err != nil {
			t.Errorf("Join = %v; want nil", r.err)
		}
		if q.Len() != 0 || q.Unfinished() != 0 {
			t.Errorf("Len=%d Unfinished=%d; want 0, 0", q.Len(), q.Unfinished())
		}
		if _, err := q.Get(bg); err != queue.ErrShutDown {
			t.Errorf("Get = %v; want ErrShutDown", err)
		}
	})
	// gh-137088: an immediate shutdown lowers the count only by the items
	// it removes, so items taken earlier without TaskDone keep Join waiting.
	t.Run("immediate-keeps-taken-tasks", func(t *testing.T) {
		q := queue.New[int](0)
		q.TryPut(0)
		q.TryPut(1)
		q.TryGet() // taken, not done
		join := asyncErr(func() error { return q.Join(bg) })
		eventually(t, "Join to park", func() bool { _, _, _, j := q.Waiting(); return j == 1 })
		q.Shutdown(true)
		if q.Unfinished() != 1 {
			t.Fatalf("Unfinished = %d after immediate Shutdown; want 1", q.Unfinished())
		}
		mustPend(t, join, "Join")
		if err := q.TaskDone(); err != nil {
			t.Fatalf("TaskDone after immediate Shutdown = %v", err)
		}
		if r := recv(t, join); r.err != nil {
			t.Errorf("Join = %v", r.err)
		}
		if err := q.TaskDone(); err != queue.ErrTooManyTaskDone {
			t.Errorf("extra TaskDone = %v; want ErrTooManyTaskDone", err)
		}
	})
	t.Run("immediate-after-normal", func(t *testing.T) {
		q := queue.NewLIFO[int](0)
		q.TryPut(1)
		q.Shutdown(false)
		q.Shutdown(true)
		if _, err := q.TryGet(); err != queue.ErrShutDown || q.Unfinished() != 0 {
			t.Errorf("TryGet = %v, Unfinished %d; want ErrShutDown, 0", err, q.Unfinished())
		}
	})
}

func TestChannel(t *testing.T) {
	var c queue.Channel[string]
	if err := c.TryPut("x"); err != queue.ErrFull {
		t.Errorf("TryPut with no receiver = %v; want ErrFull", err)
	}
	if _, err := c.TryGet(); err != queue.ErrEmpty {
		t.Errorf("TryGet with no sender = %v; want ErrEmpty", err)
	}

	// A Put waits for its receiver; senders are served in order.
	p1 := asyncErr(func() error { return c.Put(bg, "a") })
	eventually(t, "Put to park", func() bool { _, p := c.Waiting(); return p == 1 })
	p2 := asyncErr(func() error { return c.Put(bg, "b") })
	eventually(t, "Put to park", func() bool { _, p := c.Waiting(); return p == 2 })
	if v, err := c.Get(bg); v != "a" || err != nil {
		t.Errorf("Get = %q, %v; want a", v, err)
	}
	if r := recv(t, p1); r.err != nil {
		t.Errorf("Put(a) = %v", r.err)
	}
	mustPend(t, p2, "Put(b)")
	if v, err := c.TryGet(); v != "b" || err != nil {
		t.Errorf("TryGet = %q, %v; want b", v, err)
	}
	if r := recv(t, p2); r.err != nil {
		t.Errorf("Put(b) = %v", r.err)
	}

	// A Get waits for its sender.
	g := async(func() (string, error) { return c.Get(bg) })
	eventually(t, "Get to park", func() bool { n, _ := c.Waiting(); return n == 1 })
	if err := c.TryPut("c"); err != nil {
		t.Errorf("TryPut with a receiver = %v", err)
	}
	if r := recv(t, g); r.v != "c" || r.err != nil {
		t.Errorf("Get = %q, %v; want c", r.v, r.err)
	}

	if err := c.Put(canceled(), "d"); err != context.Canceled {
		t.Errorf("Put with canceled ctx = %v; want context.Canceled", err)
	}
	if _, err := c.Get(canceled()); err != context.Canceled {
		t.Errorf("Get with canceled ctx = %v; want context.Canceled", err)
	}
	if g, p := c.Waiting(); g+p != 0 {
		t.Errorf("waiters left: %d getters, %d putters", g, p)
	}
}

// TestStress runs many producers and consumers through small bounded
// queues of every kind, under the race detector in CI, and checks that the
// multiset of items survives.
func TestStress(t *testing.T) {
	const producers, consumers, per = 8, 8, 500
	kinds := []struct {
		name string
		q    *queue.Queue[int]
	}{
		{name: "fifo", q: queue.New[int](4)},
		{name: "lifo", q: queue.NewLIFO[int](4)},
		{name: "priority", q: queue.NewPriority(4, cmp.Less[int])},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			q := k.q
			var mu sync.Mutex
			var got []int
			var cwg, pwg sync.WaitGroup
			for range consumers {
				cwg.Add(1)
				go func() {
					defer cwg.Done()
					for {
						v, err := q.Get(bg)
						if err == queue.ErrShutDown {
							return
						}
						if err != nil {
							t.Errorf("Get: %v", err)
							return
						}
						mu.Lock()
						got = append(got, v)
						mu.Unlock()
						q.TaskDone()
					}
				}()
			}
			for p := range producers {
				pwg.Add(1)
				go func() {
					defer pwg.Done()
					for i := range per {
						if err := q.Put(bg, p*per+i); err != nil {
							t.Errorf("Put: %v", err)
						}
					}
				}()
			}
			pwg.Wait()
			if err := q.Join(bg); err != nil {
				t.Fatal(err)
			}
			q.Shutdown(false)
			cwg.Wait()
			slices.Sort(got)
			want := make([]int, producers*per)
			for i := range want {
				want[i] = i
			}
			if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}
