package queue_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/evshim/evshim/compat/queue"
	"github.com/evshim/evshim/internal/loop"
)

// benchCap is the bound of every queue in the benchmarks.
const benchCap = 1024

// benchQueue is the common shape of the implementations compared.
type benchQueue interface {
	put(v int)
	get() int
}

type queueImpl struct{ q *queue.Queue[int] }

func (b queueImpl) put(v int) { b.q.Put(bg, v) }
func (b queueImpl) get() int  { v, _ := b.q.Get(bg); return v }

type chanImpl chan int

func (c chanImpl) put(v int) { c <- v }
func (c chanImpl) get() int  { return <-c }

// condQueue is the textbook mutex+cond bounded queue, the shape of Python's
// own queue.Queue.
type condQueue struct {
	mu                sync.Mutex
	notEmpty, notFull sync.Cond
	buf               []int
	head, n           int
}

func newCondQueue(size int) *condQueue {
	q := &condQueue{buf: make([]int, size)}
	q.notEmpty.L, q.notFull.L = &q.mu, &q.mu
	return q
}

func (q *condQueue) put(v int) {
	q.mu.Lock()
	for q.n == len(q.buf) {
		q.notFull.Wait()
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
	q.notEmpty.Signal()
	q.mu.Unlock()
}

func (q *condQueue) get() int {
	q.mu.Lock()
	for q.n == 0 {
		q.notEmpty.Wait()
	}
	v := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	q.notFull.Signal()
	q.mu.Unlock()
	return v
}

// benchImpls are the implementations compared, by their impl= name.
// "queue-loop" is this package with the event loop running, so that every
// wait pays for the loop.InLoop check; "queue" runs without a loop, where
// that check is one atomic load.
var benchImpls = []struct {
	name    string
	newQ    func() benchQueue
	useLoop bool
}{
	{name: "queue", newQ: func() benchQueue { return queueImpl{queue.New[int](benchCap)} }},
	{name: "queue-loop", newQ: func() benchQueue { return queueImpl{queue.New[int](benchCap)} }, useLoop: true},
	{name: "chan", newQ: func() benchQueue { return make(chanImpl, benchCap) }},
	{name: "cond", newQ: func() benchQueue { return newCondQueue(benchCap) }},
}

// startLoop starts the loop and keeps it running for the benchmark: an
// unused loop would otherwise stop after its idle timeout, and InLoop
// would cost what it costs without one.
func startLoop(b *testing.B) {
	loop.Shutdown()
	loop.Configure(loop.Config{IdleTimeout: -1})
	b.Cleanup(func() { loop.Shutdown(); loop.Configure(loop.Config{}) })
	if loop.Default() == nil {
		b.Skip("no event loop on this platform")
	}
}

// BenchmarkQueue moves b.N items from procs producers to procs consumers
// through one bounded queue. One op is one item put and taken.
func BenchmarkQueue(b *testing.B) {
	for _, impl := range benchImpls {
		for _, procs := range []int{1, 4, 64} {
			b.Run(fmt.Sprintf("impl=%s/procs=%d", impl.name, procs), func(b *testing.B) {
				if impl.useLoop {
					startLoop(b)
				}
				q := impl.newQ()
				b.ReportAllocs()
				var wg sync.WaitGroup
				b.ResetTimer()
				for p := range procs {
					share := b.N / procs
					if p == 0 {
						share += b.N % procs
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range share {
							q.put(i)
						}
					}()
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range share {
							q.get()
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkQueueSerial puts and takes one item in a single goroutine: the
// uncontended cost of an operation pair, with no waiting.
func BenchmarkQueueSerial(b *testing.B) {
	for _, impl := range benchImpls {
		b.Run(fmt.Sprintf("impl=%s", impl.name), func(b *testing.B) {
			if impl.useLoop {
				startLoop(b)
			}
			q := impl.newQ()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				q.put(1)
				q.get()
			}
		})
	}
}
