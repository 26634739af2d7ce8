//go:build go1.26

package http_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	stdnet "net"
	stdhttp "net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
)

// Issue 11's target for released connections: after 10,000 connections
// of each kind (a malformed head, a POST with a body, a hijack, an
// upgrade, h2c), all closed, Server.conns is empty and the heap is back
// where it started, within 100 bytes per connection. net/http, serving
// the same handler in the same process, must meet the same bound: as
// every suite here, the test holds for the standard library first.

// heapPerConnBound is issue 11's bound on heap left per closed connection.
const heapPerConnBound = 100

// connsPerKind is how many connections of each kind the test makes:
// issue 11's 10,000, under -race too (about 40 s for both servers on a
// 2-core machine, 20 s without -race), or 1,000 with -short.
func connsPerKind() int {
	if testing.Short() {
		return 1000
	}
	return 10000
}

// releaseClients is how many connections are open at once. Bounded: the
// race detector allows 8,128 live goroutines, and the servers' own
// connection sets (maps, which never shrink) must be as large after the
// run as after the warm-up, so that what is compared is what the
// connections left behind.
const releaseClients = 32

// releaseKind is one kind of connection: what the client sends, and how
// it checks the server's first answer before it closes.
type releaseKind struct {
	name  string
	send  string
	check func(br *bufio.Reader) error
}

var releaseBody = strings.Repeat("x", 1024)

var releaseKinds = []releaseKind{
	{
		// 14 bytes or more: with h2c allowed, net/http waits for as many
		// before it reads anything. It answers 400 and closes.
		name: "malformed",
		send: "BAD REQUEST LINE\r\n\r\n",
		check: func(br *bufio.Reader) error {
			b, err := io.ReadAll(br)
			if !bytes.HasPrefix(b, []byte("HTTP/1.1 400 ")) {
				return fmt.Errorf("want a 400 then EOF, got %q, %v", b, err)
			}
			return nil
		},
	},
	{
		// The client closes the kept-alive connection after the answer:
		// the server finds the EOF while the connection is idle.
		name: "post",
		send: "POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + releaseBody,
		check: func(br *bufio.Reader) error {
			return readOK(br, "post 1024")
		},
	},
	{
		name: "hijacked",
		send: "GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nping",
		check: func(br *bufio.Reader) error {
			return readEcho(br)
		},
	},
	{
		name: "upgraded",
		send: "GET /upgrade HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nping",
		check: func(br *bufio.Reader) error {
			resp, err := stdhttp.ReadResponse(br, nil)
			if err != nil {
				return err
			}
			if resp.StatusCode != stdhttp.StatusSwitchingProtocols {
				return fmt.Errorf("status %q, want 101", resp.Status)
			}
			return readEcho(br)
		},
	},
	{
		// The client preface and an empty SETTINGS frame; the server's
		// first frame is its SETTINGS.
		name: "h2c",
		send: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
		check: func(br *bufio.Reader) error {
			var hdr [9]byte
			if _, err := io.ReadFull(br, hdr[:]); err != nil {
				return err
			}
			if hdr[3] != 0x4 { // frame type SETTINGS
				return fmt.Errorf("first frame %x, want SETTINGS", hdr)
			}
			return nil
		},
	},
}

func readOK(br *bufio.Reader, want string) error {
	resp, err := stdhttp.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || string(b) != want {
		return fmt.Errorf("got %q %q, %v; want 200 %q", resp.Status, b, err, want)
	}
	return nil
}

func readEcho(br *bufio.Reader) error {
	var b [4]byte
	if _, err := io.ReadFull(br, b[:]); err != nil || string(b[:]) != "ping" {
		return fmt.Errorf("echo %q, %v; want ping", b, err)
	}
	return nil
}

// releaseHandler serves every kind: hijacks echo until the client
// closes, a POST's body is read and its length answered.
var releaseHandler = stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	switch r.URL.Path {
	case "/hijack", "/upgrade":
		c, brw, err := w.(stdhttp.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		if r.URL.Path == "/upgrade" {
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		}
		if b, err := brw.Reader.Peek(4); err == nil {
			brw.Write(b)
			brw.Flush()
		}
		io.Copy(io.Discard, brw) // until the client closes
		return
	}
	n, _ := io.Copy(io.Discard, r.Body)
	fmt.Fprintf(w, "%s %d", strings.TrimPrefix(r.URL.Path, "/"), n)
})

// releaseServer is one server under test, with the ConnState counts that
// tell when every connection has ended, for net/http as for compat/http.
type releaseServer struct {
	name   string
	addr   string
	conns  func() int // connections the server tracks; -1 if it cannot say
	opened atomic.Int64
	ended  atomic.Int64 // Closed or Hijacked reported
}

func (s *releaseServer) connState(_ stdnet.Conn, st stdhttp.ConnState) {
	switch st {
	case stdhttp.StateNew:
		s.opened.Add(1)
	case stdhttp.StateClosed, stdhttp.StateHijacked:
		s.ended.Add(1)
	}
}

func startReleaseServers(t *testing.T) []*releaseServer {
	t.Helper()
	var p stdhttp.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)

	std := &releaseServer{name: "impl=std", conns: func() int { return -1 }}
	ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ss := &stdhttp.Server{Handler: releaseHandler, Protocols: &p, ConnState: std.connState}
	done := make(chan struct{})
	go func() { ss.Serve(ln); close(done) }()
	t.Cleanup(func() { ss.Close(); <-done })
	std.addr = ln.Addr().String()

	compat := &releaseServer{name: "impl=compat"}
	cs := &http.Server{Handler: releaseHandler, Protocols: &p, ConnState: compat.connState}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cdone := make(chan struct{})
	go func() { cs.Serve(cln); close(cdone) }()
	t.Cleanup(func() { cs.Close(); <-cdone })
	compat.addr = cln.Addr().String()
	compat.conns = func() int { return http.Conns(cs) }
	return []*releaseServer{std, compat}
}

// TestConnsReleasedHeap is issue 11's target: Server.conns and the heap
// after 10,000 closed connections of each kind are back where they
// started. Both servers run in this process, one after the other, so
// each one's snapshots also count the other's (idle) state alike.
func TestConnsReleasedHeap(t *testing.T) {
	n := connsPerKind()
	if lim := nofileLimit(); lim != 0 && lim < 4*releaseClients+256 {
		t.Skipf("RLIMIT_NOFILE %d is too low for %d connections at once", lim, releaseClients)
	}
	servers := startReleaseServers(t)
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			// Goroutines with no connection open: what the servers
			// themselves and the loop run. Every goroutine a connection
			// caused (net/http's per connection, compat/http's pooled
			// workers, which exit after 2 s idle) must be gone before a
			// snapshot, so that the heap they hold is not counted.
			base := runtime.NumGoroutine()
			// Warm up: pools, the servers' connection sets and lazily
			// built state (net/http's HTTP/2 server) reach their size.
			for _, k := range releaseKinds {
				if err := dialKind(s.addr, k, 2*releaseClients*4); err != nil {
					t.Fatalf("warm-up, %s: %v", k.name, err)
				}
			}
			before := settleReleased(t, s, base)
			for _, k := range releaseKinds {
				start := time.Now()
				if err := dialKind(s.addr, k, n); err != nil {
					t.Fatalf("%s: %v", k.name, err)
				}
				dialed := time.Since(start)
				after := settleReleased(t, s, base)
				per := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
				t.Logf("%s: %d connections in %v; heap %d -> %d bytes: %+.1f bytes per connection",
					k.name, n, dialed.Round(time.Millisecond), before.HeapAlloc, after.HeapAlloc, per)
				if per > heapPerConnBound {
					t.Errorf("%s: %.1f bytes of heap per closed connection left, want at most %d",
						k.name, per, heapPerConnBound)
				}
				before = after
			}
		})
	}
}

// dialKind makes n connections of kind k to addr, releaseClients at a
// time, each checked and closed.
func dialKind(addr string, k releaseKind, n int) error {
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for i := 0; i < releaseClients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := oneKind(addr, k); err != nil {
					errOnce.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func oneKind(addr string, k releaseKind) error {
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, k.send); err != nil {
		return err
	}
	return k.check(bufio.NewReaderSize(c, 512))
}

// settleReleased waits until every connection s accepted has ended, s
// tracks none, and the goroutines are back to base, then collects
// garbage and returns the heap's statistics.
func settleReleased(t *testing.T, s *releaseServer, base int) runtime.MemStats {
	t.Helper()
	waitUntil(t, "every connection to report Closed or Hijacked", func() bool { return s.ended.Load() == s.opened.Load() })
	waitUntil(t, "Server.conns to be empty", func() bool { return s.conns() <= 0 })
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, %d before the connections:\n%s", runtime.NumGoroutine(), base, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var ms runtime.MemStats
	// Twice: a sync.Pool's contents survive one collection, in its
	// victim cache.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms
}
