package sweep

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Idle is the cost of idle keep-alive connections on one server: the
// change in its process between no connection and Conns connections that
// have each made one request and then sit idle.
type Idle struct {
	Server string `json:"server"`
	Round  int    `json:"round"`
	Conns  int    `json:"conns"` // connections opened and idle at the second snapshot
	// Method and BodyBytes describe the one request each connection made
	// before it idled; ForcedGC says whether the server collected garbage
	// and returned freed memory to the OS before each snapshot.
	Method    string `json:"method"`
	BodyBytes int    `json:"body_bytes"`
	ForcedGC  bool   `json:"forced_gc"`
	Before    Stats  `json:"before"` // after one warm-up request, no connection open
	After     Stats  `json:"after"`  // Settle after the last connection's response
	// RSSPerConn is (After.RSS - Before.RSS) / Conns in bytes; -1 when RSS
	// is unknown (either snapshot's RSS is -1).
	RSSPerConn float64 `json:"rss_per_conn_bytes"`
	// GoroutinesPerConn is the goroutine delta / Conns; -1 when the server
	// has no stats endpoint (either snapshot's Goroutines is -1).
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
}

// idleDialers is how many goroutines open the idle connections: enough to
// open 10,000 in about a second, few enough not to look like load.
const idleDialers = 16

// idleSpec is how the idle measurement runs (see Config).
type idleSpec struct {
	conns  int
	settle time.Duration
	method string
	body   int
	gc     bool
}

// request is the bytes of the request each idle connection makes.
func (s idleSpec) request(addr string) []byte {
	req := fmt.Sprintf("%s / HTTP/1.1\r\nHost: %s\r\nUser-Agent: evshim-bench\r\n", s.method, addr)
	if s.body > 0 {
		req += fmt.Sprintf("Content-Type: application/octet-stream\r\nContent-Length: %d\r\n", s.body)
	}
	return append([]byte(req+"\r\n"), bytes.Repeat([]byte("x"), s.body)...)
}

// measureIdle opens spec.conns idle keep-alive connections to p, one
// request each, waits spec.settle, and snapshots the server before and
// after. The connections are closed before it returns.
func measureIdle(ctx context.Context, p *proc, spec idleSpec) (Idle, error) {
	n := spec.conns
	res := Idle{Server: p.srv.Name, Method: spec.method, BodyBytes: spec.body, ForcedGC: spec.gc, RSSPerConn: -1, GoroutinesPerConn: -1}
	req := spec.request(p.addr)
	// One request first, on a connection closed at once: whatever a
	// server sets up lazily on its first request is then in both snapshots.
	c, err := idleConn(ctx, p.addr, req)
	if err != nil {
		return res, err
	}
	c.Close()
	if res.Before, err = p.stats(spec.gc); err != nil {
		return res, err
	}

	conns := make([]net.Conn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		openErr error
	)
	next := make(chan int)
	for range idleDialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := idleConn(ctx, p.addr, req)
				if err != nil {
					errOnce.Do(func() { openErr = fmt.Errorf("sweep: idle connection %d of %d to %s: %w", i+1, n, p.srv.Name, err) })
					continue
				}
				conns[i] = c
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if openErr != nil {
		return res, openErr
	}
	res.Conns = n

	select {
	case <-time.After(spec.settle):
	case <-ctx.Done():
		return res, ctx.Err()
	}
	if res.After, err = p.stats(spec.gc); err != nil {
		return res, err
	}
	if res.Before.RSS >= 0 && res.After.RSS >= 0 {
		res.RSSPerConn = float64(res.After.RSS-res.Before.RSS) / float64(n)
	}
	if res.Before.Goroutines >= 0 && res.After.Goroutines >= 0 {
		res.GoroutinesPerConn = float64(res.After.Goroutines-res.Before.Goroutines) / float64(n)
	}
	return res, nil
}

// idleConn dials addr, sends req (one keep-alive request) and reads the
// whole response, leaving the connection open and idle.
func idleConn(ctx context.Context, addr string, req []byte) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	// The reader's buffer is dropped with the response: only the socket
	// stays, so the client's own memory does not grow with n more than it
	// must. A response that ends early would leave bytes behind; the
	// hello-world body is read to its end.
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 1<<10), nil)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && (resp.StatusCode != http.StatusOK || resp.Close) {
			err = fmt.Errorf("response %q, close %v: want 200 on a kept-alive connection", resp.Status, resp.Close)
		}
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}
