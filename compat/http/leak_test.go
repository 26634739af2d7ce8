package http_test

import (
	"io"
	"testing"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// TestNoTraceWhenUnused: a compat/http server and the compat DefaultClient,
// once the server is closed and the client's idle connections too, leave
// no goroutine: not the server's workers, not the loop's (issue 12).
func TestNoTraceWhenUnused(t *testing.T) {
	for round := 0; round < 2; round++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: hello}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		for i := 0; i < 3; i++ {
			resp, err := http.Get("http://" + ln.Addr().String() + "/x")
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(b) != "hello /x" {
				t.Fatalf("body %q, %v", b, err)
			}
		}
		if s := loop.CurrentStats(); s.Loops == 0 {
			t.Fatal("no loop running while serving")
		}
		http.DefaultClient.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-served; err != http.ErrServerClosed {
			t.Fatalf("Serve returned %v", err)
		}
		goleak.VerifyNone(t)
		if s := loop.CurrentStats(); s.Loops != 0 || s.Open != 0 {
			t.Fatalf("round %d: after goleak found nothing, the loop reports %v", round, s)
		}
	}
}
