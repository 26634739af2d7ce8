// Workerpool fetches URLs with a fixed number of workers that take jobs
// from a bounded compat/queue Queue: the Go form of gevent's classic
// producer and consumers around gevent.queue.JoinableQueue. The producer
// waits while the queue is full, Join waits until every job is marked
// done, and Shutdown then sends the workers home. The requests go through
// compat/http's DefaultClient, which dials through compat/net, so their
// connections wait on evshim's event loop.
//
//	go run ./examples/workerpool -workers 4 https://go.dev/ https://example.com/
//
// It prints one line per URL, in the order given, then a summary, and
// exits with status 0 when the work is done, or at SIGINT or SIGTERM.
// Failed fetches are reported in their line; they do not change the exit
// status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/queue"
	signal "github.com/evshim/evshim/compat/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "workerpool:", err)
		os.Exit(1)
	}
}

// job is one URL to fetch; i is its place in the output.
type job struct {
	i   int
	url string
}

// run fetches every URL in args with the workers and prints the results.
// If ctx ends first, it abandons the queued jobs, waits for the fetches in
// progress to be canceled, prints what it has, and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("workerpool", flag.ContinueOnError)
	workers := flags.Int("workers", 4, "number of concurrent fetches")
	if err := flags.Parse(args); err != nil {
		return err
	}
	urls := flags.Args()
	if len(urls) == 0 || *workers < 1 {
		flags.Usage()
		return errors.New("want -workers of at least 1 and at least one URL")
	}
	// Connections stay open for reuse between jobs; close them on the way
	// out so the program leaves nothing behind.
	defer http.DefaultClient.CloseIdleConnections()

	// A queue as long as there are workers: the producer stays at most
	// one batch ahead of them.
	jobs := queue.New[job](*workers)
	results := make([]string, len(urls)) // results[j.i] is written only by the worker that took j

	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, err := jobs.Get(ctx)
				if err != nil {
					return // queue.ErrShutDown: no more jobs; or ctx ended
				}
				if ctx.Err() != nil {
					// Get consults ctx only when it has to wait, so it
					// hands out queued jobs after an interrupt too.
					return
				}
				results[j.i] = fetch(ctx, j.url)
				jobs.TaskDone()
			}
		}()
	}

	for i, u := range urls {
		if err := jobs.Put(ctx, job{i, u}); err != nil {
			break // ctx ended
		}
	}
	interrupted := jobs.Join(ctx) != nil
	// Shutdown wakes the workers waiting in Get; an immediate one also
	// drops the jobs nobody has taken.
	jobs.Shutdown(interrupted)
	wg.Wait()

	done := 0
	for i, r := range results {
		if r == "" {
			r = "not fetched"
		} else {
			done++
		}
		fmt.Fprintf(stdout, "%s: %s\n", urls[i], r)
	}
	fmt.Fprintf(stdout, "%d of %d URLs done with %d workers\n", done, len(urls), *workers)
	return nil
}

// fetch GETs url and describes the outcome: the status and the body's
// length, or the error.
func fetch(ctx context.Context, url string) string {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return "error: " + err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return fmt.Sprintf("%s, error after %d bytes: %v", resp.Status, n, err)
	}
	return fmt.Sprintf("%s, %d bytes", resp.Status, n)
}
