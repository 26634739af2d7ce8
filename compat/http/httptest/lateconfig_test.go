package httptest_test

import (
	"bytes"
	"io"
	"log"
	"net"
	stdhttp "net/http"
	stdhttptest "net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/http/httptest"
)

// syncBuffer is a bytes.Buffer that a logger and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestConfigSetAfterStart: a Handler and an ErrorLog set on Config after
// the server started (as gorilla/websocket's tests do) serve and log, on
// plain and TLS servers, without a data race, as with net/http, which reads
// both at each use.
func TestConfigSetAfterStart(t *testing.T) {
	first := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) { io.WriteString(w, "first") })
	second := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) { io.WriteString(w, "second") })
	type server struct {
		url    string
		client *stdhttp.Client
		set    func(h stdhttp.Handler, l *log.Logger)
		close  func()
	}
	starts := map[string]func(tls bool) server{
		"std": func(tls bool) server {
			ts := stdhttptest.NewUnstartedServer(first)
			if tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			return server{ts.URL, ts.Client(), func(h stdhttp.Handler, l *log.Logger) { ts.Config.Handler, ts.Config.ErrorLog = h, l }, ts.Close}
		},
		"compat": func(tls bool) server {
			ts := httptest.NewUnstartedServer(first)
			if tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			return server{ts.URL, ts.Client(), func(h http.Handler, l *log.Logger) { ts.Config.Handler, ts.Config.ErrorLog = h, l }, ts.Close}
		},
	}
	for _, name := range []string{"std", "compat"} {
		for _, tls := range []bool{false, true} {
			name, tls := name, tls
			t.Run("impl="+name+"/tls="+map[bool]string{false: "no", true: "yes"}[tls], func(t *testing.T) {
				s := starts[name](tls)
				defer s.close()
				var logged syncBuffer
				s.set(second, log.New(&logged, "", 0))
				res, err := s.client.Get(s.url)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(body) != "second" {
					t.Errorf("body %q, want the Handler set after the start: %q", body, "second")
				}
				if !tls {
					return
				}
				// A client that speaks plain text to a TLS server: net/http
				// logs the failed handshake through ErrorLog.
				c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "https://"))
				if err != nil {
					t.Fatal(err)
				}
				io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				io.Copy(io.Discard, c)
				c.Close()
				deadline := time.Now().Add(5 * time.Second)
				for !strings.Contains(logged.String(), "TLS handshake error") && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if !strings.Contains(logged.String(), "TLS handshake error") {
					t.Errorf("the ErrorLog set after the start got %q, want a TLS handshake error", logged.String())
				}
			})
		}
	}
}
