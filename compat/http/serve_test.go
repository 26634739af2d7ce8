package http_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	stdnet "net"
	stdhttp "net/http"
	"strings"
	"sync"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
)

// TestPipelinedBeyondHeadLimit sends more pipelined requests in one write
// than the loop reads at once (MaxHeaderBytes+4096 bytes), so the loop
// stops before the kernel is drained and no new edge will come: the fast
// path must go back for the rest itself. Every request is answered, in
// order.
func TestPipelinedBeyondHeadLimit(t *testing.T) {
	addr := serve(t, &http.Server{Handler: hello, MaxHeaderBytes: 1024})
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	const n = 2000
	var req strings.Builder
	for i := range n {
		fmt.Fprintf(&req, "GET /%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
	}
	go io.WriteString(c, req.String())
	br := bufio.NewReader(c)
	for i := range n {
		resp, err := stdhttp.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if want := fmt.Sprintf("hello /%d", i); string(b) != want {
			t.Fatalf("response %d: got %q, want %q", i, b, want)
		}
	}
}

// TestFastPathConcurrentConns runs many keep-alive connections at once,
// each making requests in turn, with handlers that block briefly: the
// pooled workers must serve them all, each connection's answers in
// order, and be gone when the server closes (goleak checks).
func TestFastPathConcurrentConns(t *testing.T) {
	addr := serve(t, &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/slow") {
			time.Sleep(time.Millisecond)
		}
		io.WriteString(w, r.URL.Path)
	})})
	const conns, reqs = 100, 20
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := stdnet.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			br := bufio.NewReader(c)
			for j := range reqs {
				path := fmt.Sprintf("/%d/%d", i, j)
				if j%3 == 0 {
					path += "/slow"
				}
				fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
				resp, err := stdhttp.ReadResponse(br, nil)
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				if string(b) != path {
					errs <- fmt.Errorf("got %q, want %q", b, path)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestFastPathBlockedHandlers has every handler wait until all of them
// have started: the workers take requests from one queue, and a request
// must never wait there behind a handler that blocks. If it did, the
// handlers would wait for each other forever.
func TestFastPathBlockedHandlers(t *testing.T) {
	const conns = 200
	var arrived sync.WaitGroup
	arrived.Add(conns)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	addr := serve(t, &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		select {
		case <-all:
			io.WriteString(w, "ok")
		case <-time.After(20 * time.Second):
			w.WriteHeader(http.StatusGatewayTimeout)
		}
	})})
	// Every request is written before any response is read, so that the
	// loop queues them in bursts.
	cs := dialConns(t, addr, conns)
	for _, c := range cs {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	for i, c := range cs {
		resp, err := stdhttp.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("conn %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("conn %d: %s: a handler waited behind another", i, resp.Status)
		}
	}
}

// TestFastPathRequestThenFIN sends a keep-alive request and the FIN at
// once, so that both often come in one readable edge: the loop must not
// take the request's short read for all there is, or the FIN would wait
// unseen and the connection stay open. The server answers and closes.
func TestFastPathRequestThenFIN(t *testing.T) {
	addr := serve(t, &http.Server{Handler: hello})
	for i := range 50 {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET /fin HTTP/1.1\r\nHost: x\r\n\r\n")
		c.(*stdnet.TCPConn).CloseWrite()
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatalf("round %d: the server did not close after the FIN: %v", i, err)
		}
		if !strings.HasPrefix(string(b), "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(string(b), "hello /fin") {
			t.Fatalf("round %d: got %q", i, b)
		}
	}
}

// TestPartialHeadUnderIdleTimeout: between requests net/http waits for 4
// bytes under IdleTimeout and starts ReadHeaderTimeout only then, so a
// client that sends 2 bytes and pauses longer than ReadHeaderTimeout is
// still answered. The same exchange runs against net/http first.
func TestPartialHeadUnderIdleTimeout(t *testing.T) {
	const headerTimeout = 300 * time.Millisecond
	stdLn, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	std := &stdhttp.Server{Handler: hello, ReadHeaderTimeout: headerTimeout, IdleTimeout: 30 * time.Second}
	go std.Serve(stdLn)
	defer std.Close()
	compatAddr := serve(t, &http.Server{Handler: hello, ReadHeaderTimeout: headerTimeout, IdleTimeout: 30 * time.Second})
	for _, addr := range []string{stdLn.Addr().String(), compatAddr} {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		br := bufio.NewReader(c)
		if got := get(t, c, br, "/one"); got != "hello /one" {
			t.Fatalf("%s: first request: got %q", addr, got)
		}
		io.WriteString(c, "GE")
		time.Sleep(3 * headerTimeout)
		io.WriteString(c, "T /two HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := stdhttp.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: a request begun before a pause longer than ReadHeaderTimeout: %v", addr, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "hello /two" {
			t.Fatalf("%s: got %q", addr, b)
		}
	}
}

// TestLongRequestOutlivesIdleTimeout: a connection stays on its parked
// list while the fast path serves it, so the idle sweep meets it there;
// a request that runs past IdleTimeout must still be answered, the
// connection serve the next one, and IdleTimeout close it after that.
func TestLongRequestOutlivesIdleTimeout(t *testing.T) {
	const idle = 200 * time.Millisecond
	addr := serve(t, &http.Server{IdleTimeout: idle, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/long" {
			time.Sleep(4 * idle)
		}
		io.WriteString(w, "hello "+r.URL.Path)
	})})
	c := dialConns(t, addr, 1)[0]
	c.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	for _, path := range []string{"/short", "/long", "/after"} {
		if got := get(t, c, br, path); got != "hello "+path {
			t.Fatalf("%s: got %q", path, got)
		}
	}
	// Listed again when it parked: idle now, it is closed by IdleTimeout.
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle after the long request: read %v, want EOF from IdleTimeout", err)
	}
}

// TestBodyEndWatchesClientGone: a handler that has read a request's
// body to its end (or has none) sees the request canceled when the
// client goes away, as net/http's background read makes it, whether the
// client closes before the body's end is read (the loop may have seen
// the hang-up while nobody watched, or read the EOF with the request)
// or after it (the loop's callback sees it). The body end looks at the
// socket only when the loop may have seen an edge (quietSinceDispatch).
func TestBodyEndWatchesClientGone(t *testing.T) {
	for _, tc := range []struct {
		req   string
		early bool
	}{
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", true},
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", false},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
	} {
		early := tc.early
		t.Run(fmt.Sprintf("%s/closeBeforeBodyEnd=%v", strings.Fields(tc.req)[0], early), func(t *testing.T) {
			read := make(chan struct{})
			proceed := make(chan struct{})
			canceled := make(chan error, 1)
			addr := serve(t, &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				<-proceed
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					t.Errorf("reading the body: %v", err)
				}
				close(read)
				select {
				case <-r.Context().Done():
					canceled <- r.Context().Err()
				case <-time.After(30 * time.Second): // a guard against hanging, not a timing
					canceled <- fmt.Errorf("not canceled")
				}
			})})
			c, err := stdnet.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(c, tc.req)
			if early {
				c.Close()
				close(proceed)
			} else {
				close(proceed)
				<-read
				c.Close()
			}
			if err := <-canceled; err != context.Canceled {
				t.Errorf("request context: %v, want %v", err, context.Canceled)
			}
		})
	}
}
