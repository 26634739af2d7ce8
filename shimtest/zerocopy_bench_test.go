package shimtest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkServeFile: one keep-alive client fetching a 1 MiB file that the
// server sends with http.ServeFile (compat/http: the ResponseWriter's
// ReadFrom, then sendfile on the loop). ns/op is per response; MB/s is
// the body's.
//
// Measured on the 2-core VM shared with other jobs (load 10-18), 8
// interleaved rounds of -benchtime=300x, benchstat: net/http 773 µs,
// compat/http 819 µs (0.94x the throughput, no significant difference,
// p=0.65, and 4.1 KiB/op against 4.5 KiB); compat/http with ReadFrom
// copying through a 32 KiB buffer instead, as before sendfile, 1215 µs
// (0.64x, p=0.03) and 36 KiB/op.
func BenchmarkServeFile(b *testing.B) {
	const size = 1 << 20
	path := filepath.Join(b.TempDir(), "body.dat")
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		b.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })
	req := []byte("GET /body.dat HTTP/1.1\r\nHost: bench\r\n\r\n")
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			addr, stop := benchServer(b, impl, h)
			defer stop()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReaderSize(c, 64<<10)
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if n != size || err != nil {
					b.Fatalf("body: %d bytes, %v", n, err)
				}
			}
		})
	}
}
