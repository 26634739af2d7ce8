package http_test

import (
	"bytes"
	"io"
	stdnet "net"
	"testing"

	http "github.com/evshim/evshim/compat/http"
)

// BenchmarkKeepAliveGET is one keep-alive GET round trip through
// compat/http: the handler of the wrk runs in docs/performance-http.md
// (reads the body, sets Content-Type, writes "Hello, World!"), for wrk's
// request (a Host line only) and curl's (three lines). The client writes
// fixed bytes and reads into a fixed buffer, allocating nothing, so
// allocs/op is the server's per request.
func BenchmarkKeepAliveGET(b *testing.B) {
	for _, bc := range []struct{ name, req string }{
		{"wrk", "GET / HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n"},
		{"curl", "GET /plaintext?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchKeepAliveGET(b, []byte(bc.req)) })
	}
}

func benchKeepAliveGET(b *testing.B, req []byte) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != http.NoBody {
			io.Copy(io.Discard, r.Body)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello, World!")
	})
	addr := serve(b, &http.Server{Handler: h})
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 4096)
	roundTrip := func() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			m, err := c.Read(buf[n:])
			if err != nil {
				b.Fatal(err)
			}
			n += m
			if i := bytes.Index(buf[:n], []byte("\r\n\r\n")); i >= 0 && n >= i+4+len("Hello, World!") {
				if n != i+4+len("Hello, World!") {
					b.Fatalf("unexpected response %q", buf[:n])
				}
				return
			}
		}
	}
	roundTrip() // the connection's first request, and a check of the reply
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		roundTrip()
	}
}
