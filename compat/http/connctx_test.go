package http_test

import (
	"context"
	"fmt"
	stdnet "net"
	stdhttp "net/http"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
)

type baseKey struct{}

type connKey struct{}

// TestRequestContextValues: a request's context carries what net/http's
// does (ServerContextKey, LocalAddrContextKey, BaseContext's values and
// cancellation, ConnContext's values), with and without a ConnContext
// (compat/http builds the two differently: one value for both keys
// without it). net/http first, then compat/http.
func TestRequestContextValues(t *testing.T) {
	for _, withConnCtx := range []bool{false, true} {
		for _, impl := range []string{"std", "compat"} {
			t.Run(fmt.Sprintf("impl=%s/conncontext=%v", impl, withConnCtx), func(t *testing.T) {
				base, cancelBase := context.WithCancel(context.WithValue(context.Background(), baseKey{}, "base"))
				defer cancelBase()
				seen := make(chan string, 1)
				var srvValue any
				h := stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
					ctx := r.Context()
					laddr, _ := ctx.Value(stdhttp.LocalAddrContextKey).(stdnet.Addr)
					local := "none"
					if laddr != nil {
						local = laddr.String()
					}
					canceled := "not canceled"
					if r.URL.Path == "/cancel" {
						cancelBase()
						select {
						case <-ctx.Done():
							canceled = "canceled"
						case <-time.After(5 * time.Second):
						}
					}
					seen <- fmt.Sprintf("server=%v local=%s base=%v conn=%v %s",
						ctx.Value(stdhttp.ServerContextKey) == srvValue, local, ctx.Value(baseKey{}), ctx.Value(connKey{}), canceled)
				})
				var connCtx func(context.Context, stdnet.Conn) context.Context
				if withConnCtx {
					connCtx = func(ctx context.Context, c stdnet.Conn) context.Context {
						if ctx.Value(stdhttp.LocalAddrContextKey) != nil {
							t.Error("ConnContext sees LocalAddrContextKey; net/http sets it after")
						}
						return context.WithValue(ctx, connKey{}, "conn")
					}
				}
				var addr string
				if impl == "std" {
					ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					s := &stdhttp.Server{Handler: h, ConnContext: connCtx,
						BaseContext: func(stdnet.Listener) context.Context { return base }}
					srvValue = s
					done := make(chan struct{})
					go func() { s.Serve(ln); close(done) }()
					t.Cleanup(func() { s.Close(); <-done })
					addr = ln.Addr().String()
				} else {
					ln, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					s := &http.Server{Handler: h, ConnContext: connCtx,
						BaseContext: func(stdnet.Listener) context.Context { return base }}
					srvValue = s
					done := make(chan struct{})
					go func() { s.Serve(ln); close(done) }()
					t.Cleanup(func() { s.Close(); <-done })
					addr = ln.Addr().String()
				}
				conn := "<nil>"
				if withConnCtx {
					conn = "conn"
				}
				for _, path := range []string{"/", "/cancel"} {
					resp, err := stdhttp.Get("http://" + addr + path)
					if err == nil {
						resp.Body.Close()
					}
					want := fmt.Sprintf("server=true local=%s base=base conn=%s not canceled", addr, conn)
					if path == "/cancel" {
						want = fmt.Sprintf("server=true local=%s base=base conn=%s canceled", addr, conn)
					}
					if got := <-seen; got != want {
						t.Errorf("%s: handler saw %q, want %q", path, got, want)
					}
				}
			})
		}
	}
	stdhttp.DefaultClient.CloseIdleConnections()
}
