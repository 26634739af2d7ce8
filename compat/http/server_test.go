package http_test

import (
	"bufio"
	"fmt"
	"io"
	stdnet "net"
	stdhttp "net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
)

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	io.WriteString(w, "hello "+r.URL.Path)
})

// serve runs srv on a compat/net listener and closes it at cleanup.
func serve(t testing.TB, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

func get(t testing.TB, c stdnet.Conn, br *bufio.Reader, path string) string {
	t.Helper()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	resp, err := stdhttp.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return string(b)
}

// waitUntil polls cond; the limit is generous, for a loaded CI machine.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dialConns dials n connections to addr, closed when the test ends.
func dialConns(t *testing.T, addr string, n int) []stdnet.Conn {
	t.Helper()
	cs := make([]stdnet.Conn, n)
	for i := range cs {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cs[i] = c
	}
	return cs
}

// TestIdleConnsHoldNoGoroutine: keep-alive connections between requests
// are parked on the loop, so they cost no goroutine.
func TestIdleConnsHoldNoGoroutine(t *testing.T) {
	if !loop.Available() {
		t.Skip("no loop on this platform")
	}
	const conns = 1000
	addr := serve(t, &http.Server{Handler: hello})
	base := runtime.NumGoroutine()
	cs := dialConns(t, addr, conns)
	for _, c := range cs {
		if got := get(t, c, bufio.NewReader(c), "/idle"); got != "hello /idle" {
			t.Fatalf("got %q", got)
		}
	}
	// Each connection's goroutine leaves within the idle grace period.
	waitUntil(t, "idle connections to park", func() bool { return runtime.NumGoroutine() < base+conns/10 })
	if s := loop.CurrentStats(); s.Open < conns {
		t.Errorf("loop holds %d descriptors, want at least %d parked connections", s.Open, conns)
	}
	// And every one still works.
	for i, c := range cs {
		if i%97 == 0 {
			if got := get(t, c, bufio.NewReader(c), "/again"); got != "hello /again" {
				t.Fatalf("conn %d after parking: got %q", i, got)
			}
		}
	}
}

// TestSlowloris: 10,000 connections trickling their request heads (from a
// child process, so each process stays within its descriptor limit) cost
// the server no goroutine each, do not stop other clients being served,
// and are all closed by ReadHeaderTimeout.
func TestSlowloris(t *testing.T) {
	if !loop.Available() {
		t.Skip("no loop on this platform")
	}
	if os.Getenv("EVSHIM_SLOWLORIS_ADDR") != "" {
		t.Skip("running as the slowloris client")
	}
	conns := 10000
	if lim := nofileLimit(); lim > 0 && lim < int64(conns)+512 {
		conns = int(lim) - 512
		t.Logf("RLIMIT_NOFILE is %d: %d trickling connections", lim, conns)
	}
	// ReadHeaderTimeout outlasts dialing them all on a loaded machine:
	// heads that expire are answered (400, as net/http answers them) by
	// pooled goroutines, briefly many at once.
	addr := serve(t, &http.Server{Handler: hello, ReadHeaderTimeout: 10 * time.Second})
	base := runtime.NumGoroutine()

	cmd := exec.Command(os.Args[0], "-test.run=^TestSlowlorisClient$", "-test.v")
	cmd.Env = append(os.Environ(), "EVSHIM_SLOWLORIS_ADDR="+addr, "EVSHIM_SLOWLORIS_CONNS="+strconv.Itoa(conns))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	lines := make(chan string, 16)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(prefix string) string {
		t.Helper()
		for l := range lines {
			if strings.HasPrefix(l, prefix) {
				return strings.TrimPrefix(l, prefix)
			}
		}
		t.Fatalf("slowloris client ended before %q", prefix)
		return ""
	}
	next("trickling")
	// While they trickle: other clients are served, and the server holds
	// no goroutine per trickling connection.
	for i := 0; i < 20; i++ {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, c, bufio.NewReader(c), "/ok"); got != "hello /ok" {
			t.Fatalf("normal client got %q", got)
		}
		c.Close()
	}
	if g := runtime.NumGoroutine(); g > base+200 {
		t.Errorf("%d goroutines with %d trickling connections (base %d)", g, conns, base)
	}
	closed, _ := strconv.Atoi(next("closed="))
	if err := cmd.Wait(); err != nil {
		t.Errorf("slowloris client: %v", err)
	}
	if closed != conns {
		t.Errorf("the server closed %d of %d trickling connections", closed, conns)
	}
}

// TestSlowlorisClient is the child process of TestSlowloris.
func TestSlowlorisClient(t *testing.T) {
	addr := os.Getenv("EVSHIM_SLOWLORIS_ADDR")
	if addr == "" {
		t.Skip("run by TestSlowloris")
	}
	n, _ := strconv.Atoi(os.Getenv("EVSHIM_SLOWLORIS_CONNS"))
	cs := make([]stdnet.Conn, 0, n)
	for len(cs) < n {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET /slow HTTP/1.1\r\n")
		cs = append(cs, c)
	}
	fmt.Println("trickling")
	// One header line per connection per round, never the end of the head.
	closed := make([]bool, n)
	count := 0
	one := make([]byte, 1)
	for round := 0; count < n && round < 600; round++ {
		for i, c := range cs {
			if closed[i] {
				continue
			}
			if _, err := io.WriteString(c, "X-Slow: 1\r\n"); err != nil {
				closed[i] = true
				count++
				continue
			}
			c.SetReadDeadline(time.Now().Add(time.Microsecond))
			if _, err := c.Read(one); err == io.EOF || (err != nil && !isTimeout(err)) {
				closed[i] = true
				count++
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, c := range cs {
		c.Close()
	}
	fmt.Printf("closed=%d\n", count)
}

func isTimeout(err error) bool {
	ne, ok := err.(stdnet.Error)
	return ok && ne.Timeout()
}

// FuzzServe sends arbitrary bytes to net/http and to compat/http, both
// serving the same handler, and requires the same answer: the loop frames
// request heads but never judges them.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
		"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: v\r\n\r\n",
		"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"GARBAGE\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"GET / HTTP/1.1\nHost: x\n\n",
		"\r\n\r\nGET / HTTP/1.1\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nz\r\n",
	} {
		f.Add([]byte(seed))
	}
	handler := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
		b, err := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %q %s len=%d err=%v te=%v trailer=%v", r.Method, r.RequestURI, r.Proto, len(b), err != nil, r.TransferEncoding, r.Trailer)
	})
	stdLn, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	std := &stdhttp.Server{Handler: handler, ReadHeaderTimeout: 2 * time.Second}
	go std.Serve(stdLn)
	f.Cleanup(func() { std.Close() })
	compatAddr := serve(f, &http.Server{Handler: handler, ReadHeaderTimeout: 2 * time.Second})

	f.Fuzz(func(t *testing.T, in []byte) {
		want := exchange(t, stdLn.Addr().String(), in)
		got := exchange(t, compatAddr, in)
		if got != want {
			t.Errorf("for %q:\nnet/http:    %q\ncompat/http: %q", in, want, got)
		}
	})
}

var dateHeader = regexp.MustCompile(`Date: [^\r\n]*\r\n`)

// exchange writes in, half-closes, and reads the answer to EOF.
func exchange(t *testing.T, addr string, in []byte) string {
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	c.Write(in)
	c.(*stdnet.TCPConn).CloseWrite()
	b, _ := io.ReadAll(c)
	return dateHeader.ReplaceAllString(string(b), "Date: X\r\n")
}
