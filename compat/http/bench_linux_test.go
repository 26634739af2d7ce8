package http_test

import (
	"bytes"
	stdnet "net"
	"testing"

	"golang.org/x/sys/unix"

	http "github.com/evshim/evshim/compat/http"
)

// BenchmarkNewConnGET is ab's load, one request per connection: the
// client connects, sends ab's HTTP/1.0 request, reads the reply until the
// server closes, and closes. The client makes its socket calls with
// x/sys/unix on a sockaddr made once, allocating nothing, so allocs/op
// and B/op are the server's per connection: accepting, registering,
// serving and closing it.
func BenchmarkNewConnGET(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Hello, World!"))
	})
	addr := serve(b, &http.Server{Handler: h})
	ta, err := stdnet.ResolveTCPAddr("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	sa := &unix.SockaddrInet4{Port: ta.Port, Addr: [4]byte(ta.IP.To4())}
	req := []byte("GET / HTTP/1.0\r\nHost: " + addr + "\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n")
	buf := make([]byte, 4096)
	roundTrip := func() {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		defer unix.Close(fd)
		if err := unix.Connect(fd, sa); err != nil {
			b.Fatal(err)
		}
		if _, err := unix.Write(fd, req); err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			m, err := unix.Read(fd, buf[n:])
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			if m == 0 {
				break
			}
			n += m
		}
		if !bytes.HasSuffix(buf[:n], []byte("\r\n\r\nHello, World!")) {
			b.Fatalf("unexpected response %q", buf[:n])
		}
	}
	roundTrip()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		roundTrip()
	}
}
