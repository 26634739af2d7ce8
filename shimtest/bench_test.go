package shimtest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// echoServer listens with impl and echoes every accepted conn until EOF.
func echoServer(b *testing.B, impl Impl) net.Listener {
	b.Helper()
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	b.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln
}

// BenchmarkRoundTrip: one conn, 64-byte request echoed back; client and
// server both from impl. Reports p50 and p99 latency.
func BenchmarkRoundTrip(b *testing.B) {
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			ln := echoServer(b, impl)
			c, err := impl.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			msg, got := make([]byte, 64), make([]byte, 64)
			lat := make([]time.Duration, 0, 1<<16)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := c.Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, got); err != nil {
					b.Fatal(err)
				}
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(t0))
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			}
		})
	}
}

// BenchmarkPingPong: 100 conns doing 128-byte round trips concurrently;
// ns/op is per round trip across all conns (lower is more throughput).
func BenchmarkPingPong(b *testing.B) {
	const conns = 100
	for _, impl := range Impls {
		b.Run(fmt.Sprintf("impl=%s/conns=%d", impl.Name, conns), func(b *testing.B) {
			ln := echoServer(b, impl)
			cs := make([]net.Conn, conns)
			for i := range cs {
				c, err := impl.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				cs[i] = c
			}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			per := b.N / conns
			for i, c := range cs {
				n := per
				if i < b.N%conns {
					n++
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					msg, got := make([]byte, 128), make([]byte, 128)
					for j := 0; j < n; j++ {
						if _, err := c.Write(msg); err != nil {
							b.Error(err)
							return
						}
						if _, err := io.ReadFull(c, got); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

// BenchmarkBulk streams 64 KiB writes one way over one conn: dir=recv has
// impl's conn reading from a stdlib writer, dir=send has impl's conn
// writing to a stdlib reader.
func BenchmarkBulk(b *testing.B) {
	const size = 64 << 10
	for _, dir := range []string{"recv", "send"} {
		for _, impl := range Impls {
			b.Run(fmt.Sprintf("dir=%s/impl=%s", dir, impl.Name), func(b *testing.B) {
				ln, err := Std.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				defer ln.Close()
				accepted := make(chan net.Conn, 1)
				go func() {
					c, _ := ln.Accept()
					accepted <- c
				}()
				mine, err := impl.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				peer := <-accepted
				defer mine.Close()
				defer peer.Close()
				src, dst := peer, mine
				if dir == "send" {
					src, dst = mine, peer
				}
				total := int64(b.N) * size
				done := make(chan error, 1)
				go func() {
					buf := make([]byte, size)
					var got int64
					for got < total {
						n, err := dst.Read(buf)
						got += int64(n)
						if err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
				buf := make([]byte, size)
				b.SetBytes(size)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := src.Write(buf); err != nil {
						b.Fatal(err)
					}
				}
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// BenchmarkAcceptClose: dial, accept, one byte, close, on impl both sides.
func BenchmarkAcceptClose(b *testing.B) {
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			ln, err := impl.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					c.Write([]byte{1})
					c.Close()
				}
			}()
			one := make([]byte, 1)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c, err := impl.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, one); err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}

// benchServer serves h with impl's HTTP server on a loopback port of
// impl's and returns its address and a func that closes it.
func benchServer(b *testing.B, impl Impl, h http.Handler) (addr string, stop func()) {
	b.Helper()
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := impl.HTTP.NewServer(ServerOptions{Handler: h, ReadHeaderTimeout: time.Minute, IdleTimeout: time.Minute})
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }
}

// BenchmarkHTTPKeepAlive: conns keep-alive clients each sending GET and
// reading the response; a hello-world handler. ns/op is per request.
func BenchmarkHTTPKeepAlive(b *testing.B) {
	hello := []byte("Hello, World!")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(hello) })
	req := []byte("GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
	for _, conns := range []int{1, 50} {
		for _, impl := range Impls {
			b.Run(fmt.Sprintf("impl=%s/conns=%d", impl.Name, conns), func(b *testing.B) {
				addr, stop := benchServer(b, impl, h)
				defer stop()
				var wg sync.WaitGroup
				per := b.N / conns
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < conns; i++ {
					n := per
					if i < b.N%conns {
						n++
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						c, err := net.Dial("tcp", addr)
						if err != nil {
							b.Error(err)
							return
						}
						defer c.Close()
						br := bufio.NewReader(c)
						for j := 0; j < n; j++ {
							if _, err := c.Write(req); err != nil {
								b.Error(err)
								return
							}
							resp, err := http.ReadResponse(br, nil)
							if err != nil {
								b.Error(err)
								return
							}
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}
