package shimtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var _ = register(
	Case{Name: "http/raw", Run: runHTTPRaw},
	Case{Name: "http/states", Run: runHTTPStates},
	Case{Name: "http/streaming", Run: runHTTPStreaming},
	Case{Name: "http/hijack", Run: runHTTPHijack},
	Case{Name: "http/context-cancel", Run: runHTTPContextCancel},
	Case{Name: "http/panic", Run: runHTTPPanic},
	Case{Name: "http/timeouts", Run: runHTTPTimeouts},
	Case{Name: "http/shutdown", Run: runHTTPShutdown},
	Case{Name: "http/close", Run: runHTTPClose},
	Case{Name: "http/keepalives-off", Run: runHTTPKeepAlivesOff},
	Case{Name: "http/server-context", Run: runHTTPServerContext},
	Case{Name: "http/listen-and-serve", Run: runHTTPListenAndServe},
	Case{Name: "http/client", Run: runHTTPClient},
	Case{Name: "http/tls", Run: runHTTPTLS},
)

// startHTTP serves o with impl on a loopback listener from impl; the
// server is closed, and its Serve waited for, at cleanup.
func startHTTP(t *testing.T, impl Impl, o ServerOptions) (string, HTTPServer, *served) {
	t.Helper()
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := impl.HTTP.NewServer(o)
	s := &served{done: make(chan struct{})}
	go func() { s.err = srv.Serve(ln); close(s.done) }()
	t.Cleanup(func() {
		srv.Close()
		if s.wait(t) == nil {
			t.Error("Serve returned nil")
		}
	})
	return ln.Addr().String(), srv, s
}

// served is the outcome of a Serve call.
type served struct {
	done chan struct{}
	err  error // set before done is closed
}

func (s *served) wait(t *testing.T) error {
	select {
	case <-s.done:
		return s.err
	case <-time.After(settle(10 * time.Second)):
		t.Error("Serve did not return")
		return errors.New("serve did not return")
	}
}

var (
	dateLine = regexp.MustCompile(`(?m)^Date: [^\r\n]*\r\n`)
	hostPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// noPort blanks loopback ports, which differ between runs.
func noPort(s string) string { return hostPort.ReplaceAllString(s, "127.0.0.1:X") }

// exchange writes raw to a new stdlib connection and reads until the
// server closes it; Date headers are blanked.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	return exchangeHalf(t, addr, raw, false)
}

// exchangeHalf is exchange that can half-close after writing, for inputs
// after which the server would wait for more.
func exchangeHalf(t *testing.T, addr, raw string, closeWrite bool) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(settle(10 * time.Second)))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		c.(*net.TCPConn).CloseWrite()
	}
	got, err := io.ReadAll(c)
	if err != nil && !isReset(err) {
		t.Errorf("reading the answer to %.40q: %v", raw, err)
	}
	return dateLine.ReplaceAllString(string(got), "Date: X\r\n")
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// echoHandler answers with what it saw of the request.
var echoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %s host=%q len=%d body=%.20q err=%v te=%v cl=%d trailer=%v\n",
		r.Method, r.RequestURI, r.Proto, r.Host, len(body), body, err, r.TransferEncoding, r.ContentLength, r.Trailer)
})

const endReq = "GET /end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

// rawRequests are sent byte for byte to both servers; every answer must
// be the same. Each ends with a request that asks the server to close, so
// reading to EOF is deterministic.
var rawRequests = []struct{ name, raw string }{
	{"get", "GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n" + endReq},
	{"head", "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n" + endReq},
	{"post-length", "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + endReq},
	{"post-chunked-trailer", "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: v\r\n\r\n" + endReq},
	{"pipelined", "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nPOST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz" + endReq},
	{"http10", "GET /old HTTP/1.0\r\n\r\n"},
	{"http10-keepalive", "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + endReq},
	{"expect-continue", "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc" + endReq},
	{"expect-unknown", "GET /e HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n"},
	{"bad-request-line", "GARBAGE\r\n\r\n"},
	{"bad-version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
	{"header-too-large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 9000) + "\r\n\r\n"},
	{"length-and-chunked", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + endReq},
	{"bad-chunk-size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n" + endReq},
	{"two-lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd" + endReq},
	{"missing-host", "GET / HTTP/1.1\r\n\r\n"},
	{"two-hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n" + endReq},
	{"bad-header-name", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"},
	{"unsupported-te", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"},
	{"te-list", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n" + endReq},
	{"absolute-uri", "GET http://x/abs HTTP/1.1\r\nHost: x\r\n\r\n" + endReq},
	{"options-star", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n" + endReq},
	{"lf-only", "GET /lf HTTP/1.1\nHost: x\n\n" + endReq},
	{"leading-crlf", "\r\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n" + endReq},
	{"h2-preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"},
	{"large-body", "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + strings.Repeat("b", 1<<20) + endReq},
	{"short-body-then-close", "POST /short HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"},
	{"connection-close", "GET /cc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n"},
}

func runHTTPRaw(t *testing.T, impl Impl) any {
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: echoHandler, MaxHeaderBytes: 4096,
		ReadHeaderTimeout: settle(2 * time.Second), IdleTimeout: settle(5 * time.Second)})
	var obs []string
	for _, rr := range rawRequests {
		got := exchangeHalf(t, addr, rr.raw, strings.HasSuffix(rr.name, "then-close"))
		if got == "" && !strings.HasSuffix(rr.name, "close") && rr.name != "h2-preface" {
			t.Logf("%s: no answer", rr.name)
		}
		obs = append(obs, rr.name+"\n"+got)
	}
	return obs
}

// stateLog records ConnState transitions per connection.
type stateLog struct {
	mu  sync.Mutex
	ids map[net.Conn]int
	log []string
}

func (s *stateLog) hook(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[net.Conn]int{}
	}
	id, ok := s.ids[c]
	if !ok {
		id = len(s.ids) + 1
		s.ids[c] = id
	}
	s.log = append(s.log, fmt.Sprintf("c%d:%s", id, st))
}

func (s *stateLog) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// waitFor polls cond until it holds or the settle-scaled limit passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(settle(10 * time.Second))
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func runHTTPStates(t *testing.T, impl Impl) any {
	var states stateLog
	addr, srv, _ := startHTTP(t, impl, ServerOptions{Handler: echoHandler, ConnState: states.hook,
		ReadHeaderTimeout: settle(5 * time.Second), IdleTimeout: settle(5 * time.Second)})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(c, "GET /%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		// Let the server go idle between requests (and, on the loop, park).
		n := 2*i + 3
		waitFor(t, "the connection to go idle", func() bool { return len(states.snapshot()) >= n })
	}
	c.Close()
	waitFor(t, "the close to be reported", func() bool { return len(states.snapshot()) >= 8 })
	srv.Close()
	return states.snapshot()
}

func runHTTPStreaming(t *testing.T, impl Impl) any {
	sent := make(chan struct{})
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.URL.Path == "/sse" {
			// Each event reaches the client before the next is written.
			for i := 0; i < 3; i++ {
				fmt.Fprintf(w, "data: %d\n\n", i)
				if err := rc.Flush(); err != nil {
					t.Error(err)
				}
				<-sent
			}
			return
		}
		// Full duplex: echo each chunk of the request body as it arrives.
		if err := rc.EnableFullDuplex(); err != nil {
			t.Error(err)
		}
		br := bufio.NewReader(r.Body)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				fmt.Fprintf(w, "got %s", line)
				rc.Flush()
			}
			if err != nil {
				return
			}
		}
	}), ReadHeaderTimeout: settle(5 * time.Second)})
	resp, err := http.Get("http://" + addr + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	var events []string
	for i := 0; i < 3; i++ {
		ev, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		br.ReadString('\n')
		events = append(events, ev)
		sent <- struct{}{}
	}
	resp.Body.Close()

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/duplex", pr)
	done := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	io.WriteString(pw, "one\n")
	resp = <-done
	if resp == nil {
		t.FailNow()
	}
	rb := bufio.NewReader(resp.Body)
	first, _ := rb.ReadString('\n')
	io.WriteString(pw, "two\n")
	second, _ := rb.ReadString('\n')
	pw.Close()
	rest, _ := io.ReadAll(rb)
	resp.Body.Close()
	return []string{strings.Join(events, ""), first, second, string(rest)}
}

func runHTTPHijack(t *testing.T, impl Impl) any {
	var states stateLog
	addr, _, _ := startHTTP(t, impl, ServerOptions{ConnState: states.hook, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		extra := make([]byte, brw.Reader.Buffered())
		io.ReadFull(brw, extra)
		fmt.Fprintf(conn, "hijacked:%s|", extra)
		// Then talk raw: echo one more line.
		line, _ := brw.ReadString('\n')
		fmt.Fprintf(conn, "echo:%s", line)
	}), ReadHeaderTimeout: settle(5 * time.Second)})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /h HTTP/1.1\r\nHost: x\r\n\r\nEXTRA")
	buf := make([]byte, len("hijacked:EXTRA|"))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "raw line\n")
	rest, _ := io.ReadAll(c)
	waitFor(t, "hijacked state", func() bool { return len(states.snapshot()) >= 3 })
	return []any{string(buf), string(rest), states.snapshot()}
}

func runHTTPContextCancel(t *testing.T, impl Impl) any {
	canceled := make(chan error, 1)
	started := make(chan struct{})
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			canceled <- context.Cause(r.Context())
		case <-time.After(settle(10 * time.Second)):
			canceled <- errors.New("context was not canceled")
		}
	}), ReadHeaderTimeout: settle(5 * time.Second)})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
	<-started
	c.Close() // the client goes away
	err = <-canceled
	if !errors.Is(err, context.Canceled) {
		t.Errorf("request context: %v, want canceled", err)
	}
	return errors.Is(err, context.Canceled)
}

func runHTTPPanic(t *testing.T, impl Impl) any {
	var logBuf syncBuffer
	addr, _, _ := startHTTP(t, impl, ServerOptions{ErrorLog: log.New(&logBuf, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		panic("boom")
	}), ReadHeaderTimeout: settle(5 * time.Second)})
	boom := exchange(t, addr, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
	logged := strings.Contains(logBuf.String(), "http: panic serving") && strings.Contains(logBuf.String(), "boom")
	before := logBuf.String()
	abort := exchange(t, addr, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n")
	// The server still serves after both panics.
	ok := exchange(t, addr, endReq)
	return []any{boom, logged, abort, logBuf.String() == before, ok != ""}
}

// syncBuffer is a bytes.Buffer safe for a logger and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runHTTPTimeouts(t *testing.T, impl Impl) any {
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: echoHandler,
		ReadHeaderTimeout: settle(100 * time.Millisecond), IdleTimeout: settle(100 * time.Millisecond)})
	// A head that trickles past ReadHeaderTimeout: closed with no reply.
	slow := exchange(t, addr, "GET /slow HTTP/1.1\r\nHost: x\r\n")
	// An idle keep-alive connection: closed after IdleTimeout.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(settle(10 * time.Second)))
	io.WriteString(c, "GET /once HTTP/1.1\r\nHost: x\r\n\r\n")
	all, err := io.ReadAll(c)
	if err != nil {
		t.Errorf("idle connection not closed: %v", err)
	}
	return []string{slow, dateLine.ReplaceAllString(string(all), "Date: X\r\n")}
}

func runHTTPShutdown(t *testing.T, impl Impl) any {
	release := make(chan struct{})
	inHandler := make(chan struct{}, 1)
	var states stateLog
	addr, srv, served := startHTTP(t, impl, ServerOptions{ConnState: states.hook, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			inHandler <- struct{}{}
			<-release
		}
		io.WriteString(w, "done "+r.URL.Path)
	}), ReadHeaderTimeout: settle(5 * time.Second), IdleTimeout: settle(5 * time.Second)})
	onShutdown := make(chan struct{})
	srv.RegisterOnShutdown(func() { close(onShutdown) })

	// An idle keep-alive connection, and one request in flight.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
	ibr := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(ibr, nil); err == nil {
		io.Copy(io.Discard, resp.Body)
	}
	busy, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-inHandler

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	<-onShutdown
	// The idle connection is closed; the listener is gone.
	idle.SetReadDeadline(time.Now().Add(settle(10 * time.Second)))
	_, idleErr := ibr.ReadByte()
	serveErr := served.wait(t)
	_, dialErr := net.Dial("tcp", addr)
	// Shutdown waits for the request in flight.
	early := false
	select {
	case err := <-shut:
		early = true
		shut <- err
	case <-time.After(settle(50 * time.Millisecond)):
	}
	close(release)
	busy.SetReadDeadline(time.Now().Add(settle(10 * time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(busy), nil)
	var body []byte
	if err == nil {
		body, _ = io.ReadAll(resp.Body)
	}
	shutErr := <-shut
	return []any{idleErr == io.EOF, errors.Is(serveErr, http.ErrServerClosed), dialErr != nil, early, string(body), shutErr}
}

func runHTTPClose(t *testing.T, impl Impl) any {
	inHandler := make(chan struct{}, 1)
	addr, srv, served := startHTTP(t, impl, ServerOptions{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inHandler <- struct{}{}
		<-r.Context().Done()
	}), ReadHeaderTimeout: settle(5 * time.Second)})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-inHandler
	cerr := srv.Close()
	c.SetReadDeadline(time.Now().Add(settle(10 * time.Second)))
	got, _ := io.ReadAll(c)
	return []any{cerr, string(got), errors.Is(served.wait(t), http.ErrServerClosed)}
}

func runHTTPKeepAlivesOff(t *testing.T, impl Impl) any {
	addr, srv, _ := startHTTP(t, impl, ServerOptions{Handler: echoHandler, ReadHeaderTimeout: settle(5 * time.Second)})
	srv.SetKeepAlivesEnabled(false)
	return exchange(t, addr, "GET /ka HTTP/1.1\r\nHost: x\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n")
}

func runHTTPServerContext(t *testing.T, impl Impl) any {
	var got any
	var mu sync.Mutex
	var localOK bool
	addr, srv, _ := startHTTP(t, impl, ServerOptions{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Context().Value(http.ServerContextKey)
		_, localOK = r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
		mu.Unlock()
	}), ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, ctxKey{}, "conn")
	}, ReadHeaderTimeout: settle(5 * time.Second)})
	exchange(t, addr, endReq)
	mu.Lock()
	defer mu.Unlock()
	return []bool{got == impl.HTTP.ServerOf(srv), localOK}
}

type ctxKey struct{}

func runHTTPListenAndServe(t *testing.T, impl Impl) any {
	// Pick a free port, then let ListenAndServe take it.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	srv := impl.HTTP.NewServer(ServerOptions{Handler: echoHandler, ReadHeaderTimeout: settle(5 * time.Second)})
	type addrServer interface{ ListenAndServe() error }
	setAddr(srv, addr)
	done := make(chan error, 1)
	go func() { done <- srv.(addrServer).ListenAndServe() }()
	var resp *http.Response
	waitFor(t, "ListenAndServe to listen", func() bool {
		resp, err = http.Get("http://" + addr + "/las")
		return err == nil
	})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv.Close()
	return []any{noPort(string(body)), errors.Is(<-done, http.ErrServerClosed)}
}

func runHTTPClient(t *testing.T, impl Impl) any {
	// The server is the stdlib's: the case is about the client side.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: echoHandler}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	resp, err := impl.HTTP.Get(url + "/client")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp, err = impl.HTTP.Post(url+"/post", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	posted, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, isTransport := impl.HTTP.DefaultTransport.(*http.Transport)
	impl.HTTP.DefaultTransport.(*http.Transport).CloseIdleConnections()
	return []any{noPort(string(got)), noPort(string(posted)), isTransport}
}

func runHTTPTLS(t *testing.T, impl Impl) any {
	certFile, keyFile := selfSignedCert(t)
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := impl.HTTP.NewServer(ServerOptions{Handler: echoHandler, ReadHeaderTimeout: settle(5 * time.Second)})
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, certFile, keyFile) }()
	defer func() { srv.Close(); <-done }()
	var protos []string
	for _, h2 := range []bool{false, true} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		resp, err := (&http.Client{Transport: tr}).Get("https://" + ln.Addr().String() + "/tls")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		protos = append(protos, resp.Proto+" "+strings.Fields(string(body))[0])
	}
	return protos
}

// selfSignedCert writes a throw-away certificate for 127.0.0.1.
func selfSignedCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "shimtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}
