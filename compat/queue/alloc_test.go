package queue_test

import (
	"testing"

	"github.com/evshim/evshim/compat/queue"
)

// TestAllocs checks that a queue in steady state allocates nothing per
// operation: the ring buffer is reused, and parked calls reuse pooled
// waiters.
func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("AllocsPerRun is slow under -short")
	}
	tests := []struct {
		name    string
		q       *queue.Queue[int]
		prefill int // items kept in the queue so that the ring wraps around
		op      func(q *queue.Queue[int])
	}{
		{name: "fifo/Put+Get", q: queue.New[int](64), prefill: 10, op: func(q *queue.Queue[int]) {
			q.Put(bg, 1)
			q.Get(bg)
		}},
		{name: "fifo/TryPut+TryGet", q: queue.New[int](0), prefill: 10, op: func(q *queue.Queue[int]) {
			q.TryPut(1)
			q.TryGet()
		}},
		{name: "fifo/Put+Get+TaskDone+Join", q: queue.New[int](0), op: func(q *queue.Queue[int]) {
			q.Put(bg, 1)
			q.Get(bg)
			q.TaskDone()
			q.Join(bg)
		}},
		{name: "lifo/Put+Get", q: queue.NewLIFO[int](64), prefill: 10, op: func(q *queue.Queue[int]) {
			q.Put(bg, 1)
			q.Get(bg)
		}},
		{name: "priority/Put+Get", q: queue.NewPriority(64, func(a, b int) bool { return a < b }), prefill: 10, op: func(q *queue.Queue[int]) {
			q.Put(bg, 1)
			q.Get(bg)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.prefill {
				tt.q.TryPut(i)
			}
			if got := testing.AllocsPerRun(1000, func() { tt.op(tt.q) }); got != 0 {
				t.Errorf("%v allocs per operation; want 0", got)
			}
		})
	}
}
