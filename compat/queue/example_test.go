package queue_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/evshim/evshim/compat/queue"
)

// A pool of workers drains a bounded job queue. Join waits until every job
// has been marked done, and Shutdown then tells the workers to stop: their
// Get returns ErrShutDown once the queue is empty.
func Example_workerPool() {
	jobs := queue.New[int](4) // producers wait while 4 jobs are pending
	var (
		mu      sync.Mutex
		squares []int
		wg      sync.WaitGroup
	)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := jobs.Get(context.Background())
				if err == queue.ErrShutDown {
					return
				}
				mu.Lock()
				squares = append(squares, n*n)
				mu.Unlock()
				jobs.TaskDone()
			}
		}()
	}
	for n := 1; n <= 10; n++ {
		jobs.Put(context.Background(), n)
	}
	jobs.Join(context.Background())
	jobs.Shutdown(false)
	wg.Wait()

	slices.Sort(squares)
	fmt.Println(squares)
	// Output: [1 4 9 16 25 36 49 64 81 100]
}

// Python's q.get(timeout=0.05) becomes a Get with a deadline; the error is
// the context's where Python raises queue.Empty.
func ExampleQueue_Get_timeout() {
	q := queue.New[string](0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := q.Get(ctx)
	fmt.Println(err)
	// Output: context deadline exceeded
}

// Equal priorities leave in the order they were put.
func ExampleNewPriority() {
	type job struct {
		pri  int
		name string
	}
	q := queue.NewPriority(0, func(a, b job) bool { return cmp.Less(a.pri, b.pri) })
	for _, j := range []job{{2, "lint"}, {1, "build"}, {2, "test"}, {1, "fetch"}} {
		q.TryPut(j)
	}
	for !q.Empty() {
		j, _ := q.TryGet()
		fmt.Println(j.pri, j.name)
	}
	// Output:
	// 1 build
	// 1 fetch
	// 2 lint
	// 2 test
}

// A Channel stores nothing: Put returns once a Get has taken the item.
func ExampleChannel() {
	var ch queue.Channel[string]
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, _ := ch.Get(context.Background())
		fmt.Println("got", v)
	}()
	ch.Put(context.Background(), "hello")
	<-done
	// Output: got hello
}
