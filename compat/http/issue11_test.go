package http_test

import (
	"bufio"
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

// Issue 11's three security bugs, each sent byte for byte to net/http and
// to compat/http serving the same handler: the answers, and how the
// connection ended, must be the same.

// echoPath answers with the path and the X-Ignore header the handler saw,
// after reading the body.
var echoPath = stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	b, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s body=%q x-ignore=%q", r.Method, r.URL.Path, b, r.Header.Get("X-Ignore"))
})

// pair serves h on net/http and on compat/http and returns both addresses.
func pair(t *testing.T, h stdhttp.Handler) (std, compat string) {
	t.Helper()
	ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stdhttp.Server{Handler: h}
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	return ln.Addr().String(), serve(t, &http.Server{Handler: h})
}

// conversation writes parts to addr with gap between them, then reads
// until the server closes or quiet passes with nothing more. It returns
// the bytes (Date blanked) and whether the server closed.
func conversation(t *testing.T, addr string, gap, quiet time.Duration, parts ...string) (string, bool) {
	t.Helper()
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	var got []byte
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			mu.Lock()
			got = append(got, buf[:n]...)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	for i, p := range parts {
		if i > 0 {
			time.Sleep(gap)
		}
		io.WriteString(c, p)
	}
	eof := false
	select {
	case <-closed:
		eof = true
	case <-time.After(quiet):
		c.Close()
		<-closed
	}
	mu.Lock()
	defer mu.Unlock()
	return dateHeader.ReplaceAllString(string(got), "Date: X\r\n"), eof
}

func sameConversation(t *testing.T, gap time.Duration, parts ...string) string {
	t.Helper()
	std, compat := pair(t, echoPath)
	want, wantEOF := conversation(t, std, gap, time.Second, parts...)
	got, gotEOF := conversation(t, compat, gap, time.Second, parts...)
	if got != want || gotEOF != wantEOF {
		t.Errorf("for %q:\nnet/http    (closed %v): %q\ncompat/http (closed %v): %q", parts, wantEOF, want, gotEOF, got)
	}
	return got
}

// TestIssue11Desync: bytes of the next request that were read with a
// POST's body belong to that next request, however long its rest takes
// to come. (compat/http used to drop them and serve /admin.)
func TestIssue11Desync(t *testing.T) {
	got := sameConversation(t, 100*time.Millisecond,
		"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /x HTTP/1.1\r\nX-Ignore: abc",
		"GET /admin HTTP/1.1\r\nHost: x\r\n\r\n")
	if strings.Contains(got, "GET /admin body=") {
		t.Errorf("/admin was served as a request of its own: %q", got)
	}
}

// TestIssue11BadRequestCloses: a 400 that says "Connection: close"
// closes, and what follows is never answered. (compat/http used to keep
// the connection open and answer the request again.)
func TestIssue11BadRequestCloses(t *testing.T) {
	got := sameConversation(t, 100*time.Millisecond,
		"GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /x HT",
		"TP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
	if !strings.Contains(got, "400 Bad Request") || strings.Contains(got, "/after") {
		t.Errorf("want a 400 and nothing after it: %q", got)
	}
	// The issue's case: the split line follows a request that net/http's
	// own connection code used to serve (one with a body).
	for _, first := range []string{
		"GET /first HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
	} {
		got := sameConversation(t, 100*time.Millisecond, first+"GET /x HT", "TP/1.1\r\nHost: x\r\n\r\n")
		if strings.Count(got, "GET /x") != 1 {
			t.Errorf("want /x answered once: %q", got)
		}
	}
}

// TestIssue11ConnsReleased: Server.conns is back to empty once
// connections of every kind have closed. (compat/http used to keep every
// connection net/http's code had served, for the life of the Server.)
func TestIssue11ConnsReleased(t *testing.T) {
	h := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
		switch r.URL.Path {
		case "/hijack", "/upgrade":
			c, brw, err := w.(stdhttp.Hijacker).Hijack()
			if err != nil {
				return
			}
			if r.URL.Path == "/upgrade" {
				brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
				brw.Flush()
			}
			io.Copy(c, brw) // echo until the client closes
			c.Close()
			return
		}
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: h, Protocols: p}
	addr := serve(t, srv)
	kinds := map[string]string{
		"malformed": "BAD REQUEST LINE\r\n\r\n", // 14 bytes or more: net/http waits for them when h2c is on
		"post":      "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		"chunked":   "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"expect":    "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
		"hijacked":  "GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nping",
		"upgraded":  "GET /upgrade HTTP/1.1\r\nHost: x\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nping",
		"h2c":       "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
	}
	for kind, raw := range kinds {
		t.Run(kind, func(t *testing.T) {
			const n = 200
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := stdnet.Dial("tcp", addr)
					if err != nil {
						t.Error(err)
						return
					}
					defer c.Close()
					c.SetDeadline(time.Now().Add(10 * time.Second))
					io.WriteString(c, raw)
					// Read the first answer byte, then leave.
					bufio.NewReader(c).ReadByte()
				}()
			}
			wg.Wait()
			waitUntil(t, kind+" connections to leave Server.conns", func() bool { return http.Conns(srv) == 0 })
		})
	}
}

// TestReadTimeoutLongHandler: a handler without a body to read that
// outlives ReadTimeout finds its request as net/http's does (not
// canceled: the read deadline does not reach it).
func TestReadTimeoutLongHandler(t *testing.T) {
	h := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
		select {
		case <-r.Context().Done():
			io.WriteString(w, "canceled")
		case <-time.After(2 * time.Second):
			io.WriteString(w, "alive")
		}
	})
	ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stdhttp.Server{Handler: h, ReadTimeout: 100 * time.Millisecond}
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	compat := serve(t, &http.Server{Handler: h, ReadTimeout: 100 * time.Millisecond})
	req := "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	want, _ := conversation(t, ln.Addr().String(), 0, 3*time.Second, req)
	got, _ := conversation(t, compat, 0, 3*time.Second, req)
	if got != want {
		t.Errorf("net/http: %q\ncompat/http: %q", want, got)
	}
}
