package shimtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

var _ = register(Case{Name: "http/conn-value", Run: runHTTPConnValue})

// connValueKey holds, in the connection's context, the value ConnContext
// was given.
type connValueKey struct{}

// runHTTPConnValue checks which value the server gives its hooks and
// hijackers for a connection: net/http gives ConnContext, ConnState and
// Hijack the very value Accept returned, so code may assert it to the
// listener's connection type (SetLinger or SetKeepAlive after Hijack,
// peer credentials of a Unix connection in ConnContext) and compare it
// across the hooks.
func runHTTPConnValue(t *testing.T, impl Impl) any {
	var mu sync.Mutex
	var byState []net.Conn
	var fromCtx, hijacked net.Conn
	done := make(chan struct{})
	addr, _, _ := startHTTP(t, impl, ServerOptions{
		ReadHeaderTimeout: settle(5 * time.Second),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connValueKey{}, c)
		},
		ConnState: func(c net.Conn, st http.ConnState) {
			mu.Lock()
			byState = append(byState, c)
			mu.Unlock()
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(done)
			c, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			fromCtx, _ = r.Context().Value(connValueKey{}).(net.Conn)
			hijacked = c
			mu.Unlock()
			io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
			c.Close()
		}),
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	io.ReadAll(c)
	<-done
	waitFor(t, "the hijacked state", func() bool { mu.Lock(); defer mu.Unlock(); return len(byState) >= 3 })
	mu.Lock()
	defer mu.Unlock()
	// tcpConn is what a *net.TCPConn has beyond net.Conn, from either
	// package.
	type tcpConn interface {
		net.Conn
		SetLinger(int) error
		SetKeepAlive(bool) error
		CloseWrite() error
	}
	_, ctxTCP := fromCtx.(tcpConn)
	_, hijackTCP := hijacked.(tcpConn)
	same := fromCtx == hijacked
	for _, s := range byState {
		if _, ok := s.(tcpConn); !ok || s != hijacked {
			same = false
		}
	}
	if !ctxTCP || !hijackTCP || !same {
		t.Errorf("ConnContext's value is a TCP connection: %v; Hijack's: %v; one value in ConnContext, every ConnState and Hijack: %v", ctxTCP, hijackTCP, same)
	}
	return []any{ctxTCP, hijackTCP, same, len(byState)}
}
