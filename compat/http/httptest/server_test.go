package httptest_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	stdhttp "net/http"
	stdhttptest "net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/http/httptest"
	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// options configure a server between NewUnstartedServer and its start.
type options struct {
	tls, http2 bool
	tlsConfig  *tls.Config                       // set as the server's TLS before StartTLS
	connState  func(net.Conn, stdhttp.ConnState) // set as Config.ConnState
	quiet      bool                              // Config.ErrorLog discards
}

// testServer is what the shared suite sees of either package's Server.
type testServer struct {
	URL                    string
	Listener               net.Listener
	Client                 *stdhttp.Client
	Certificate            *x509.Certificate
	TLS                    *tls.Config
	Close                  func()
	CloseClientConnections func()
	Start                  func() // Start again: must panic
	// IsConfig reports whether v is the server's Config (the value a
	// handler finds under ServerContextKey).
	IsConfig func(v any) bool
}

// impl is one httptest package under the shared suite.
type impl struct {
	name  string
	start func(h stdhttp.Handler, o options) *testServer
	// get is the package's own http.Get (DefaultClient).
	get func(url string) (*stdhttp.Response, error)
}

var impls = []impl{
	{
		name: "std",
		get:  stdhttp.Get,
		start: func(h stdhttp.Handler, o options) *testServer {
			ts := stdhttptest.NewUnstartedServer(h)
			ts.EnableHTTP2 = o.http2
			ts.TLS = o.tlsConfig
			ts.Config.ConnState = o.connState
			if o.quiet {
				ts.Config.ErrorLog = discardLog()
			}
			if o.tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			return &testServer{
				URL: ts.URL, Listener: ts.Listener, Client: ts.Client(), Certificate: ts.Certificate(), TLS: ts.TLS,
				Close: ts.Close, CloseClientConnections: ts.CloseClientConnections, Start: ts.Start,
				IsConfig: func(v any) bool { s, ok := v.(*stdhttp.Server); return ok && s == ts.Config },
			}
		},
	},
	{
		name: "compat",
		get:  http.Get,
		start: func(h stdhttp.Handler, o options) *testServer {
			ts := httptest.NewUnstartedServer(h)
			ts.EnableHTTP2 = o.http2
			ts.TLS = o.tlsConfig
			ts.Config.ConnState = o.connState
			if o.quiet {
				ts.Config.ErrorLog = discardLog()
			}
			if o.tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			return &testServer{
				URL: ts.URL, Listener: ts.Listener, Client: ts.Client(), Certificate: ts.Certificate(), TLS: ts.TLS,
				Close: ts.Close, CloseClientConnections: ts.CloseClientConnections, Start: ts.Start,
				IsConfig: func(v any) bool { s, ok := v.(*http.Server); return ok && s == ts.Config },
			}
		},
	},
}

// run runs body once per package, as subtests impl=std and impl=compat.
func run(t *testing.T, body func(t *testing.T, im impl)) {
	t.Helper()
	for _, im := range impls {
		t.Run("impl="+im.name, func(t *testing.T) { body(t, im) })
	}
}

// hangLimit bounds a wait that only a bug makes long; it fails the test
// rather than letting it hang until the binary's timeout.
const hangLimit = 20 * time.Second

// within runs f and fails t if it has not returned after hangLimit.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(hangLimit):
		t.Fatalf("%s did not return within %v", what, hangLimit)
	}
}

func get(t *testing.T, c *stdhttp.Client, url string) (*stdhttp.Response, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return res, string(b)
}

func hello(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	io.WriteString(w, "hello "+r.URL.Path)
}

func TestServe(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		ts := im.start(stdhttp.HandlerFunc(hello), options{})
		defer ts.Close()
		if !strings.HasPrefix(ts.URL, "http://127.0.0.1:") {
			t.Errorf("URL = %q, want http://127.0.0.1:port", ts.URL)
		}
		if ts.URL != "http://"+ts.Listener.Addr().String() {
			t.Errorf("URL = %q, Listener.Addr = %v", ts.URL, ts.Listener.Addr())
		}
		if ts.Certificate != nil {
			t.Errorf("Certificate() = %v on a plain server, want nil", ts.Certificate.Subject)
		}
		for _, c := range []struct {
			name string
			get  func(string) (*stdhttp.Response, error)
		}{{"Client", ts.Client.Get}, {"DefaultClient", im.get}} {
			res, err := c.get(ts.URL + "/a")
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || string(b) != "hello /a" {
				t.Errorf("%s: got %d %q, want 200 %q", c.name, res.StatusCode, b, "hello /a")
			}
		}
	})
}

func TestServerContextKey(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		t.Run("tls="+map[bool]string{false: "off", true: "on"}[tlsOn], func(t *testing.T) {
			run(t, func(t *testing.T, im impl) {
				var isConfig atomic.Value
				ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
					v := r.Context().Value(stdhttp.ServerContextKey)
					if f, _ := isConfig.Load().(func(any) bool); f == nil || !f(v) {
						w.WriteHeader(500)
						io.WriteString(w, "ServerContextKey holds a "+typeName(v)+", not the Config")
						return
					}
					io.WriteString(w, "ok")
				}), options{tls: tlsOn})
				defer ts.Close()
				isConfig.Store(ts.IsConfig)
				if res, body := get(t, ts.Client, ts.URL); res.StatusCode != 200 {
					t.Errorf("%d: %s", res.StatusCode, body)
				}
			})
		})
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// TestExampleComGoesToServer: Client sends requests for example.com and
// its subdomains to the server.
func TestExampleComGoesToServer(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		scheme := map[bool]string{false: "http", true: "https"}[tlsOn]
		t.Run("scheme="+scheme, func(t *testing.T) {
			run(t, func(t *testing.T, im impl) {
				ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
					io.WriteString(w, r.Host)
				}), options{tls: tlsOn})
				defer ts.Close()
				for _, host := range []string{"example.com", "www.example.com"} {
					if res, body := get(t, ts.Client, scheme+"://"+host+"/"); res.StatusCode != 200 || body != host {
						t.Errorf("GET %s://%s/: %d %q", scheme, host, res.StatusCode, body)
					}
				}
			})
		})
	}
}

func TestTLS(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
			if r.TLS == nil {
				w.WriteHeader(500)
			}
			io.WriteString(w, r.Proto)
		}), options{tls: true, quiet: true})
		defer ts.Close()
		if !strings.HasPrefix(ts.URL, "https://127.0.0.1:") {
			t.Errorf("URL = %q", ts.URL)
		}
		cert := ts.Certificate
		if cert == nil {
			t.Fatal("Certificate() = nil on a TLS server")
		}
		if err := cert.VerifyHostname("127.0.0.1"); err != nil {
			t.Error(err)
		}
		if err := cert.VerifyHostname("example.com"); err != nil {
			t.Error(err)
		}
		if !cert.IsCA {
			t.Error("the certificate is not a CA: it cannot be added to a pool as a root")
		}
		res, body := get(t, ts.Client, ts.URL)
		if res.StatusCode != 200 || body != "HTTP/1.1" {
			t.Errorf("got %d %q, want 200 HTTP/1.1", res.StatusCode, body)
		}
		if res.TLS == nil || !res.TLS.PeerCertificates[0].Equal(cert) {
			t.Error("the server did not present Certificate()")
		}
		if got := ts.TLS.NextProtos; len(got) != 1 || got[0] != "http/1.1" {
			t.Errorf("TLS.NextProtos = %q, want [http/1.1]", got)
		}

		// A client that does not trust the certificate fails to verify it.
		plain := &stdhttp.Client{Transport: &stdhttp.Transport{}}
		defer plain.CloseIdleConnections()
		_, err := plain.Get(ts.URL)
		var verr *tls.CertificateVerificationError
		if !errors.As(err, &verr) {
			t.Errorf("untrusted client: err = %v, want a *tls.CertificateVerificationError", err)
		}
	})
}

func TestTLSConfigCopied(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		preset := &tls.Config{MinVersion: tls.VersionTLS13}
		ts := im.start(stdhttp.HandlerFunc(hello), options{tls: true, tlsConfig: preset})
		defer ts.Close()
		if ts.TLS == preset || preset.NextProtos != nil || preset.Certificates != nil {
			t.Error("StartTLS changed the caller's TLS config instead of a copy")
		}
		if ts.TLS.MinVersion != tls.VersionTLS13 {
			t.Errorf("TLS.MinVersion = %x, want the preset's", ts.TLS.MinVersion)
		}
		res, _ := get(t, ts.Client, ts.URL)
		if res.TLS.Version != tls.VersionTLS13 {
			t.Errorf("negotiated %x, want TLS 1.3", res.TLS.Version)
		}
	})
}

func TestEnableHTTP2(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
			io.WriteString(w, r.Proto)
		}), options{tls: true, http2: true})
		defer ts.Close()
		res, body := get(t, ts.Client, ts.URL)
		if res.ProtoMajor != 2 || body != "HTTP/2.0" {
			t.Errorf("response %s, handler saw %q: want HTTP/2.0 both", res.Proto, body)
		}
	})
}

func TestStartTwicePanics(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		ts := im.start(stdhttp.HandlerFunc(hello), options{})
		defer ts.Close()
		defer func() {
			if r := recover(); r != "Server already started" {
				t.Errorf("second Start: recovered %v, want the panic \"Server already started\"", r)
			}
		}()
		ts.Start()
	})
}

// TestCloseTwice: a second Close, and a Close of a server never started,
// return at once.
func TestCloseTwice(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		ts := im.start(stdhttp.HandlerFunc(hello), options{})
		get(t, ts.Client, ts.URL)
		within(t, "Close", ts.Close)
		within(t, "second Close", ts.Close)
	})
	unstarted := httptest.NewUnstartedServer(stdhttp.HandlerFunc(hello))
	within(t, "Close of an unstarted server", unstarted.Close)
}

// TestCloseWaitsForRequest: Close returns only after the outstanding
// request is answered, and the answer reaches the client.
func TestCloseWaitsForRequest(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		entered, release := make(chan struct{}), make(chan struct{})
		ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
			close(entered)
			<-release
			io.WriteString(w, "done")
		}), options{})
		type result struct {
			body string
			err  error
		}
		got := make(chan result, 1)
		go func() {
			res, err := ts.Client.Get(ts.URL)
			if err != nil {
				got <- result{err: err}
				return
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			got <- result{string(b), err}
		}()
		<-entered
		closed := make(chan struct{})
		go func() {
			ts.Close()
			close(closed)
		}()
		select {
		case <-closed:
			t.Fatal("Close returned while a request was outstanding")
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		if r := <-got; r.err != nil || r.body != "done" {
			t.Errorf("request outstanding at Close: %q, %v; want \"done\"", r.body, r.err)
		}
		within(t, "Close", func() { <-closed })
	})
}

// dialRaw opens a connection to ts with the standard library, so that
// what the server does to it is all that is measured.
func dialRaw(t *testing.T, ts *testServer) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// expectClosed reads c until the server's close shows.
func expectClosed(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(hangLimit))
	if br == nil {
		br = bufio.NewReader(c)
	}
	_, err := br.ReadByte()
	var ne net.Error
	if err == nil || errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("read after the server closed: %v, want EOF or a reset", err)
	}
}

// states records each connection's ConnState sequence and signals when a
// state is reached.
type states struct {
	mu   sync.Mutex
	seq  map[net.Conn][]stdhttp.ConnState
	wake chan stdhttp.ConnState
}

func newStates() *states {
	return &states{seq: map[net.Conn][]stdhttp.ConnState{}, wake: make(chan stdhttp.ConnState, 100)}
}

func (s *states) hook(c net.Conn, st stdhttp.ConnState) {
	s.mu.Lock()
	s.seq[c] = append(s.seq[c], st)
	s.mu.Unlock()
	s.wake <- st
}

func (s *states) await(t *testing.T, want stdhttp.ConnState) {
	t.Helper()
	timeout := time.After(hangLimit)
	for {
		select {
		case st := <-s.wake:
			if st == want {
				return
			}
		case <-timeout:
			t.Fatalf("no connection reached %v", want)
		}
	}
}

func (s *states) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, seq := range s.seq {
		var names []string
		for _, st := range seq {
			names = append(names, st.String())
		}
		out = append(out, strings.Join(names, " "))
	}
	return out
}

// TestCloseClosesIdle: Close closes a keep-alive connection between
// requests and one that has sent nothing, and returns.
func TestCloseClosesIdle(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		st := newStates()
		ts := im.start(stdhttp.HandlerFunc(hello), options{connState: st.hook})
		idle := dialRaw(t, ts)
		io.WriteString(idle, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(idle)
		res, err := stdhttp.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		st.await(t, stdhttp.StateIdle)

		fresh := dialRaw(t, ts)
		st.await(t, stdhttp.StateNew)

		within(t, "Close", ts.Close)
		expectClosed(t, idle, br)
		expectClosed(t, fresh, nil)
		got := st.all()
		want := map[string]bool{"new active idle closed": true, "new closed": true}
		if len(got) != 2 || !want[got[0]] || !want[got[1]] || got[0] == got[1] {
			t.Errorf("ConnState sequences %q, want \"new active idle closed\" and \"new closed\"", got)
		}
	})
}

// TestCloseClientConnections: a handler that closes the client
// connections fails its own request, and the server goes on serving.
func TestCloseClientConnections(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		var closeConns atomic.Value
		ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
			if r.URL.Path == "/close" {
				closeConns.Load().(func())()
				return
			}
			hello(w, r)
		}), options{})
		defer ts.Close()
		closeConns.Store(ts.CloseClientConnections)
		res, err := ts.Client.Get(ts.URL + "/close")
		if err == nil {
			res.Body.Close()
			t.Fatal("the request whose connection was closed succeeded")
		}
		if _, body := get(t, ts.Client, ts.URL+"/after"); body != "hello /after" {
			t.Errorf("after CloseClientConnections: %q", body)
		}

		// An idle connection is closed too.
		c := dialRaw(t, ts)
		io.WriteString(c, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		res, err = stdhttp.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		within(t, "CloseClientConnections", ts.CloseClientConnections)
		expectClosed(t, c, br)
	})
}

// TestHijack: a hijacked connection is the handler's; Close does not wait
// for it.
func TestHijack(t *testing.T) {
	run(t, func(t *testing.T, im impl) {
		st := newStates()
		ts := im.start(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
			c, brw, err := w.(stdhttp.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
			brw.Flush()
		}), options{connState: st.hook})
		if _, body := get(t, ts.Client, ts.URL); body != "hijacked" {
			t.Errorf("body %q, want hijacked", body)
		}
		within(t, "Close", ts.Close)
		if got := st.all(); len(got) != 1 || got[0] != "new active hijacked" {
			t.Errorf("ConnState sequences %q, want [\"new active hijacked\"]", got)
		}
	})
}

// TestCloseLeavesNoGoroutine: after Close, nothing the server, its client
// or compat/http's DefaultClient started is left running.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	for _, o := range []options{{}, {tls: true}, {tls: true, http2: true}} {
		ts := impls[1].start(stdhttp.HandlerFunc(hello), o)
		get(t, ts.Client, ts.URL)
		if !o.tls {
			res, err := http.Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		ts.Close()
	}
	// The loop's own goroutines stay until it is shut down.
	loop.Shutdown()
	goleak.VerifyNone(t, ignore)
}

// TestServedOnLoop: the compat server's connections are accepted on the
// loop (its counters move), where net/http/httptest's are not.
func TestServedOnLoop(t *testing.T) {
	ts := httptest.NewServer(stdhttp.HandlerFunc(hello))
	defer ts.Close()
	before := loop.CurrentStats()
	get(t, ts.Client(), ts.URL)
	after := loop.CurrentStats()
	if after.Accepted == before.Accepted {
		t.Errorf("loop accepted %d connections before the request and %d after: the server is not on the loop", before.Accepted, after.Accepted)
	}
	if after.Dialed == before.Dialed {
		t.Errorf("loop dialed %d connections before the request and %d after: Client does not dial through compat/net", before.Dialed, after.Dialed)
	}
}

func TestRecorderIsStdlib(t *testing.T) {
	rec := httptest.NewRecorder()
	var _ *stdhttptest.ResponseRecorder = rec
	req := httptest.NewRequest("GET", "https://example.com/p", nil)
	if want := stdhttptest.NewRequest("GET", "https://example.com/p", nil); req.TLS == nil || req.RemoteAddr != want.RemoteAddr {
		t.Errorf("NewRequest: TLS %v, RemoteAddr %q; want the stdlib's (RemoteAddr %q)", req.TLS, req.RemoteAddr, want.RemoteAddr)
	}
	hello(rec, req)
	if rec.Code != 200 || rec.Body.String() != "hello /p" {
		t.Errorf("recorded %d %q", rec.Code, rec.Body.String())
	}
}
