//go:build go1.26

package shimtest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/evshim/evshim/internal/loop"
)

// The zero-copy cases: TCPConn.ReadFrom from files (sendfile) and from
// connections (splice), TCPConn.WriteTo into a Unix connection (splice),
// and a ResponseWriter's ReadFrom serving files, with what the standard
// library returns, leaves behind (file offsets, LimitedReader.N) and puts
// on the wire. On the loop on Linux each case also checks, by the loop's
// counters, that the zero-copy path moved the bytes.

var _ = register(
	Case{Name: "readfrom/file", Run: runReadFromFile},
	Case{Name: "readfrom/file-slow-reader", Run: runReadFromFileSlowReader},
	Case{Name: "readfrom/file-deadline", Run: runReadFromFileDeadline},
	Case{Name: "readfrom/file-close", Run: runReadFromFileClose},
	Case{Name: "readfrom/file-reset", Run: runReadFromFileReset},
	Case{Name: "readfrom/conn", Run: runReadFromConn},
	Case{Name: "readfrom/conn-deadline", Run: runReadFromConnDeadline},
	Case{Name: "readfrom/conn-close", Run: runReadFromConnClose},
	Case{Name: "writeto/unix", Run: runWriteToUnix},
	Case{Name: "http/serve-file", Run: runHTTPServeFile},
	Case{Name: "http/serve-file-write-timeout", Run: runHTTPServeFileWriteTimeout},
)

// zcPattern is n bytes in which a byte out of place shows.
func zcPattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}

// zcFile writes data to a new file and returns it open for reading.
func zcFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// zcSparse returns an open file of size zero bytes, without writing them.
func zcSparse(t *testing.T, size int64) *os.File {
	t.Helper()
	f := zcFile(t, nil)
	if err := os.Truncate(f.Name(), size); err != nil {
		t.Fatal(err)
	}
	return f
}

// readAllAsync reads c to EOF in the background.
func readAllAsync(c net.Conn) <-chan []byte {
	ch := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(c)
		ch <- b
	}()
	return ch
}

func offset(f *os.File) int64 {
	off, _ := f.Seek(0, io.SeekCurrent)
	return off
}

// zeroCopied returns the loop's count of bytes moved by sendfile or splice.
func zeroCopied(which string) int64 {
	sf, sp := loop.ZeroCopied()
	if which == "sendfile" {
		return sf
	}
	return sp
}

// expectZeroCopy fails t if, for an implementation on the loop on Linux,
// the path named which moved fewer than want bytes since before.
func expectZeroCopy(t *testing.T, impl Impl, which string, before, want int64) {
	t.Helper()
	if !impl.OnLoop || runtime.GOOS != "linux" {
		return
	}
	if got := zeroCopied(which) - before; got < want {
		t.Errorf("%s moved %d bytes, want at least %d: the zero-copy path was not taken", which, got, want)
	}
}

type readFromObs struct {
	Name      string
	N         int64
	Err       errShape
	Offset    int64 // the file's offset afterwards
	LimitLeft int64 // the LimitedReader's N afterwards
	Same      bool  // the peer got exactly the N bytes from the file's offset
}

// runReadFromFile: ReadFrom from a file, its offset, a LimitedReader
// (positive, zero, negative, past the end), an empty file, and io.Copy,
// whose file WriteTo hands ReadFrom a wrapper of the file.
func runReadFromFile(t *testing.T, impl Impl) any {
	const size = 1<<20 + 333
	data := zcPattern(size)
	f, empty := zcFile(t, data), zcFile(t, nil)
	before := zeroCopied("sendfile")
	var moved int64
	var out []readFromObs
	for _, tc := range []struct {
		name    string
		file    *os.File
		seek    int64
		limited bool
		limit   int64
		role    string
		copy    bool
	}{
		{name: "whole", file: f, role: "dialed"},
		{name: "whole/accepted", file: f, role: "accepted"},
		{name: "from-offset", file: f, seek: 1000, role: "dialed"},
		{name: "io.Copy-from-offset", file: f, seek: 999, role: "dialed", copy: true},
		{name: "limited", file: f, seek: 7, limited: true, limit: 5000, role: "dialed"},
		{name: "limited/io.CopyN", file: f, seek: 7, limited: true, limit: 70000, role: "accepted", copy: true},
		{name: "limited-zero", file: f, seek: 7, limited: true, limit: 0, role: "dialed"},
		{name: "limited-negative", file: f, seek: 7, limited: true, limit: -3, role: "dialed"},
		{name: "limit-past-eof", file: f, seek: size - 100, limited: true, limit: 1000, role: "dialed"},
		{name: "at-eof", file: f, seek: size, role: "dialed"},
		{name: "empty", file: empty, role: "dialed"},
		{name: "empty-limited", file: empty, limited: true, limit: 10, role: "dialed"},
	} {
		c, peer := pair(t, impl, "tcp", tc.role)
		got := readAllAsync(peer)
		if _, err := tc.file.Seek(tc.seek, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		var r io.Reader = tc.file
		var lr *io.LimitedReader
		if tc.limited {
			lr = &io.LimitedReader{R: tc.file, N: tc.limit}
			r = lr
		}
		n, err := sendInto(c, r, tc.copy)
		b := <-got
		src := data
		if tc.file == empty {
			src = nil
		}
		o := readFromObs{Name: tc.name, N: n, Err: shape(err), Offset: offset(tc.file)}
		if lr != nil {
			o.LimitLeft = lr.N
		}
		o.Same = int64(len(b)) == n && n >= 0 && tc.seek+n <= int64(len(src)) && bytes.Equal(b, src[tc.seek:tc.seek+n])
		if !o.Same {
			t.Errorf("%s: ReadFrom = %d, %v; the peer got %d bytes that are not the file's", tc.name, n, err, len(b))
		}
		moved += n
		out = append(out, o)
	}
	expectZeroCopy(t, impl, "sendfile", before, moved)
	return out
}

// runReadFromFileSlowReader: a file larger than the socket buffers to a
// peer that reads slowly at first: ReadFrom parks while the buffers are
// full and delivers every byte.
func runReadFromFileSlowReader(t *testing.T, impl Impl) any {
	const size = 8<<20 + 11
	data := zcPattern(size)
	f := zcFile(t, data)
	c, peer := pair(t, impl, "tcp", "dialed")
	c.(interface{ SetWriteBuffer(int) error }).SetWriteBuffer(32 << 10)
	peer.(interface{ SetReadBuffer(int) error }).SetReadBuffer(32 << 10)
	got := make(chan []byte, 1)
	go func() {
		var buf bytes.Buffer
		p := make([]byte, 4<<10)
		for i := 0; i < 50; i++ {
			n, err := peer.Read(p)
			buf.Write(p[:n])
			if err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		io.Copy(&buf, peer)
		got <- buf.Bytes()
	}()
	before := zeroCopied("sendfile")
	n, err := c.(io.ReaderFrom).ReadFrom(f)
	c.(interface{ CloseWrite() error }).CloseWrite()
	b := <-got
	if n != size || err != nil || !bytes.Equal(b, data) {
		t.Errorf("ReadFrom = %d, %v; the peer got %d bytes (equal: %v)", n, err, len(b), bytes.Equal(b, data))
	}
	expectZeroCopy(t, impl, "sendfile", before, size)
	return []any{n, shape(err), offset(f), bytes.Equal(b, data)}
}

// runReadFromFileDeadline: the write deadline passes while ReadFrom waits
// for a peer that does not read: a timeout in a readfrom *net.OpError,
// the file's offset just past what was sent, and every byte sent arrives.
// A second ReadFrom, with the deadline past, fails as the standard
// library's does (its sendfile declines, and the copy it falls back to
// reads a buffer's worth of the file before its write fails).
func runReadFromFileDeadline(t *testing.T, impl Impl) any {
	const size = 64 << 20
	f := zcSparse(t, size)
	c, peer := pair(t, impl, "tcp", "dialed")
	c.SetWriteDeadline(time.Now().Add(settle(100 * time.Millisecond)))
	n, err := c.(io.ReaderFrom).ReadFrom(f)
	if !errors.Is(err, os.ErrDeadlineExceeded) || n <= 0 || n >= size {
		t.Errorf("ReadFrom to a stalled peer = %d, %v; want some bytes and a timeout", n, err)
	}
	off := offset(f)
	n2, err2 := c.(io.ReaderFrom).ReadFrom(f)
	off2 := offset(f)
	c.Close()
	got, _ := io.Copy(io.Discard, peer)
	if got != n {
		t.Errorf("the peer got %d bytes, ReadFrom reported %d", got, n)
	}
	return []any{shape(err), n > 0, off == n, n2, shape(err2), off2 - off}
}

// runReadFromFileClose: Close from another goroutine wakes a ReadFrom
// waiting for the peer, with net.ErrClosed in a readfrom *net.OpError.
func runReadFromFileClose(t *testing.T, impl Impl) any {
	const size = 64 << 20
	f := zcSparse(t, size)
	c, _ := pair(t, impl, "tcp", "dialed")
	go func() {
		time.Sleep(settle(100 * time.Millisecond))
		c.Close()
	}()
	n, err := c.(io.ReaderFrom).ReadFrom(f)
	if !errors.Is(err, net.ErrClosed) || n <= 0 {
		t.Errorf("ReadFrom when closed = %d, %v; want some bytes and net.ErrClosed", n, err)
	}
	return []any{shape(err), n > 0, offset(f) == n}
}

// runReadFromFileReset: the peer resets the connection during ReadFrom:
// the kernel's error (a reset or a broken pipe) from sendfile, in a
// readfrom *net.OpError.
func runReadFromFileReset(t *testing.T, impl Impl) any {
	const size = 256 << 20
	f := zcSparse(t, size)
	c, peer := pair(t, impl, "tcp", "dialed")
	go func() {
		io.CopyN(io.Discard, peer, 1<<20)
		peer.(*net.TCPConn).SetLinger(0)
		peer.Close()
	}()
	n, err := c.(io.ReaderFrom).ReadFrom(f)
	reset := errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
	if !reset || n < 1<<20 {
		t.Errorf("ReadFrom to a peer that reset = %d, %v; want a reset or broken pipe", n, err)
	}
	var se *os.SyscallError
	call := ""
	if errors.As(err, &se) {
		call = se.Syscall
	}
	return []any{shape(err), call, reset, offset(f) == n}
}

// runReadFromConn: ReadFrom from TCP and Unix stream connections, whole,
// through a LimitedReader (the rest stays readable), and io.Copy from
// either package's connection (whose WriteTo hands ReadFrom a wrapper).
func runReadFromConn(t *testing.T, impl Impl) any {
	const size = 2<<20 + 5
	data := zcPattern(size)
	before := zeroCopied("splice")
	var moved int64
	var out []any
	for _, tc := range []struct {
		name    string
		src     Impl   // whose connection is the source
		network string // the source's
		limit   int64  // 0: none
		copy    bool
	}{
		{name: "tcp", src: impl, network: "tcp"},
		{name: "tcp-limited", src: impl, network: "tcp", limit: 100000},
		{name: "tcp-limited-zero", src: impl, network: "tcp", limit: -1},
		{name: "unix", src: impl, network: "unix"},
		{name: "unix-limited", src: impl, network: "unix", limit: 77777},
		{name: "io.Copy/same-package", src: impl, network: "tcp", copy: true},
		{name: "io.Copy/stdlib-source", src: Std, network: "tcp", copy: true},
	} {
		src, feed := pair(t, tc.src, tc.network, "dialed")
		dst, sink := pair(t, impl, "tcp", "accepted")
		got := readAllAsync(sink)
		fed := make(chan struct{})
		go func() {
			defer close(fed)
			feed.Write(data)
			feed.(interface{ CloseWrite() error }).CloseWrite()
		}()
		var r io.Reader = src
		var lr *io.LimitedReader
		if tc.limit != 0 {
			lr = &io.LimitedReader{R: src, N: max(tc.limit, 0)}
			r = lr
		}
		n, err := sendInto(dst, r, tc.copy)
		b := <-got
		rest, rerr := io.ReadAll(src) // what the limit left
		<-fed
		same := int64(len(b)) == n && bytes.Equal(b, data[:n]) && bytes.Equal(rest, data[n:])
		if !same || rerr != nil {
			t.Errorf("%s: ReadFrom = %d, %v; sink got %d bytes, %d left in the source (%v): not the data in order",
				tc.name, n, err, len(b), len(rest), rerr)
		}
		o := []any{tc.name, n, shape(err), same}
		if lr != nil {
			o = append(o, lr.N)
		}
		out = append(out, o)
		moved += n
	}
	expectZeroCopy(t, impl, "splice", before, moved)
	return out
}

// runReadFromConnDeadline: ReadFrom from a connection ends with the
// source's read deadline (the bytes that came first are delivered), and
// with the destination's write deadline when its peer does not read.
func runReadFromConnDeadline(t *testing.T, impl Impl) any {
	var out []any
	{
		src, feed := pair(t, impl, "tcp", "dialed")
		dst, sink := pair(t, impl, "tcp", "accepted")
		got := readAllAsync(sink)
		feed.Write(zcPattern(1000))
		src.SetReadDeadline(time.Now().Add(settle(100 * time.Millisecond)))
		n, err := dst.(io.ReaderFrom).ReadFrom(src)
		dst.(interface{ CloseWrite() error }).CloseWrite()
		b := <-got
		if n != 1000 || !errors.Is(err, os.ErrDeadlineExceeded) || !bytes.Equal(b, zcPattern(1000)) {
			t.Errorf("ReadFrom with the source's deadline = %d, %v; sink got %d bytes", n, err, len(b))
		}
		out = append(out, n, shape(err))
	}
	{
		src, feed := pair(t, impl, "tcp", "dialed")
		dst, sink := pair(t, impl, "tcp", "accepted") // sink never reads
		fed := flood(feed)
		dst.SetWriteDeadline(time.Now().Add(settle(100 * time.Millisecond)))
		n, err := dst.(io.ReaderFrom).ReadFrom(src)
		if n <= 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("ReadFrom with the destination's deadline = %d, %v", n, err)
		}
		src.Close()
		feed.Close()
		<-fed
		dst.Close()
		got, _ := io.Copy(io.Discard, sink)
		if got != n {
			t.Errorf("the sink got %d bytes, ReadFrom reported %d", got, n)
		}
		out = append(out, n > 0, shape(err))
	}
	return out
}

// runReadFromConnClose: closing the destination during a ReadFrom from a
// connection. Waiting for the destination (its peer does not read), the
// ReadFrom returns net.ErrClosed at once; waiting for the source, it goes
// on waiting, as the standard library's does, and fails with
// net.ErrClosed when the source's next bytes come.
func runReadFromConnClose(t *testing.T, impl Impl) any {
	var out []any
	{
		src, feed := pair(t, impl, "tcp", "dialed")
		dst, _ := pair(t, impl, "tcp", "accepted") // its peer never reads
		fed := flood(feed)
		go func() {
			time.Sleep(settle(100 * time.Millisecond))
			dst.Close()
		}()
		n, err := dst.(io.ReaderFrom).ReadFrom(src)
		if n <= 0 || !errors.Is(err, net.ErrClosed) {
			t.Errorf("ReadFrom, destination closed while full = %d, %v", n, err)
		}
		src.Close()
		feed.Close()
		<-fed
		out = append(out, n > 0, shape(err))
	}
	{
		src, feed := pair(t, impl, "tcp", "dialed")
		dst, _ := pair(t, impl, "tcp", "accepted")
		type result struct {
			n   int64
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := dst.(io.ReaderFrom).ReadFrom(src)
			done <- result{n, err}
		}()
		time.Sleep(settle(50 * time.Millisecond))
		dst.Close()
		waiting := false
		select {
		case <-done:
		case <-time.After(settle(100 * time.Millisecond)):
			waiting = true
		}
		feed.Write([]byte("x"))
		var r result
		select {
		case r = <-done:
		case <-time.After(settle(10 * time.Second)):
			t.Fatal("ReadFrom did not return after the source's bytes came")
		}
		if !errors.Is(r.err, net.ErrClosed) {
			t.Errorf("ReadFrom, destination closed while the source was empty = %d, %v", r.n, r.err)
		}
		out = append(out, waiting, r.n, shape(r.err))
	}
	return out
}

// runWriteToUnix: TCPConn.WriteTo into a Unix stream connection (splice
// in the standard library), and into a TCP one (a copy).
func runWriteToUnix(t *testing.T, impl Impl) any {
	const size = 1<<20 + 9
	data := zcPattern(size)
	before := zeroCopied("splice")
	var out []any
	for _, network := range []string{"unix", "tcp"} {
		c, feed := pair(t, impl, "tcp", "dialed")
		w, sink := pair(t, impl, network, "dialed")
		got := readAllAsync(sink)
		go func() {
			feed.Write(data)
			feed.(interface{ CloseWrite() error }).CloseWrite()
		}()
		n, err := c.(io.WriterTo).WriteTo(w)
		w.(interface{ CloseWrite() error }).CloseWrite()
		b := <-got
		if n != size || err != nil || !bytes.Equal(b, data) {
			t.Errorf("WriteTo(%s) = %d, %v; the sink got %d bytes", network, n, err, len(b))
		}
		out = append(out, network, n, shape(err), bytes.Equal(b, data))
	}
	expectZeroCopy(t, impl, "splice", before, size)
	return out
}

// runHTTPServeFile: ServeFile, ServeContent and io.Copy into the
// ResponseWriter put on the wire what net/http does (Content-Length,
// chunking, HEAD, ranges, 304, HTTP/1.0, a body written before the copy,
// pipelined requests, a body copied from a backend connection), Date
// blanked; on the loop, sendfile (splice from the backend) sends the body.
func runHTTPServeFile(t *testing.T, impl Impl) any {
	const size = 256<<10 + 17
	data := zcPattern(size)
	dir := t.TempDir()
	path := filepath.Join(dir, "body.dat")
	small := filepath.Join(dir, "small.dat")
	mod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for p, b := range map[string][]byte{path: data, small: data[:300]} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	open := func(w http.ResponseWriter, p string) *os.File {
		f, err := os.Open(p)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return nil
		}
		return f
	}
	copyTo := func(p string, cl string, pre string, limit int64, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			f := open(w, p)
			if f == nil {
				return
			}
			defer f.Close()
			if cl != "" {
				w.Header().Set("Content-Length", cl)
			}
			if status != 0 {
				w.WriteHeader(status)
			}
			if pre != "" {
				io.WriteString(w, pre)
			}
			var src io.Reader = f
			if limit > 0 {
				src = io.LimitReader(f, limit)
			}
			n, err := io.Copy(w, src)
			w.Header().Set("X-Ignored", fmt.Sprint(n, err)) // after the header: not sent
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })
	mux.HandleFunc("/content", func(w http.ResponseWriter, r *http.Request) {
		if f := open(w, path); f != nil {
			defer f.Close()
			http.ServeContent(w, r, "c.dat", mod, f)
		}
	})
	mux.HandleFunc("/copy", copyTo(path, "", "", 0, 0))
	mux.HandleFunc("/copy-cl", copyTo(path, strconv.Itoa(size), "", 0, 0))
	mux.HandleFunc("/copy-small", copyTo(small, "300", "", 0, 0))
	mux.HandleFunc("/copy-limited", copyTo(path, "1000", "", 1000, 0))
	mux.HandleFunc("/copy-after-write", copyTo(path, strconv.Itoa(size+5), "hello", 0, 0))
	mux.HandleFunc("/copy-short-cl", copyTo(path, "100000", "", 0, 0))
	mux.HandleFunc("/copy-204", copyTo(path, "", "", 0, http.StatusNoContent))
	// A backend that sends the body and closes: io.Copy from the handler's
	// connection to it goes through ReadFrom to splice.
	backend, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	go func() {
		for {
			c, err := backend.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write(data)
			}()
		}
	}()
	mux.HandleFunc("/proxy", func(w http.ResponseWriter, r *http.Request) {
		c, err := impl.Dial("tcp", backend.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer c.Close()
		w.Header().Set("Content-Length", strconv.Itoa(size))
		io.Copy(w, c)
	})
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: mux})

	before, beforeSplice := zeroCopied("sendfile"), zeroCopied("splice")
	ims := mod.Format(http.TimeFormat)
	var out []string
	for _, raw := range []string{
		"GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"HEAD /content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /content HTTP/1.1\r\nHost: x\r\nRange: bytes=100-70000\r\nConnection: close\r\n\r\n",
		"GET /content HTTP/1.1\r\nHost: x\r\nRange: bytes=-600\r\nConnection: close\r\n\r\n",
		"GET /content HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + ims + "\r\nConnection: close\r\n\r\n",
		"GET /copy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy HTTP/1.0\r\n\r\n",
		"GET /copy-cl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"HEAD /copy-cl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy-small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy-limited HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy-after-write HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy-short-cl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /copy-204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /proxy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		// Keep-alive and pipelined: each response must end where the
		// next begins.
		"GET /content HTTP/1.1\r\nHost: x\r\n\r\nHEAD /copy-cl HTTP/1.1\r\nHost: x\r\n\r\n" +
			"GET /copy-cl HTTP/1.1\r\nHost: x\r\n\r\nGET /copy HTTP/1.1\r\nHost: x\r\n\r\n" +
			"GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	} {
		got := exchange(t, addr, raw)
		out = append(out, summarizeResponses(got))
	}
	expectZeroCopy(t, impl, "sendfile", before, size-512)
	expectZeroCopy(t, impl, "splice", beforeSplice, size-512)
	return out
}

// summarizeResponses keeps the heads of the responses in s and a hash of
// all of it, so that a difference shows without megabytes of diff.
func summarizeResponses(s string) string {
	var heads []string
	rest := s
	for {
		i := strings.Index(rest, "HTTP/1.")
		if i < 0 {
			break
		}
		rest = rest[i:]
		end := strings.Index(rest, "\r\n\r\n")
		if end < 0 {
			heads = append(heads, rest[:min(len(rest), 200)])
			break
		}
		heads = append(heads, rest[:end])
		rest = rest[end+4:]
	}
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%d bytes sha256=%x\n%s", len(s), sum[:8], strings.Join(heads, "\n--\n"))
}

// runHTTPServeFileWriteTimeout: WriteTimeout passes while a file goes to
// a client that does not read: the handler's io.Copy returns the
// timeout in a readfrom *net.OpError, as net/http's, and the client gets
// the head and exactly the body bytes io.Copy reported.
func runHTTPServeFileWriteTimeout(t *testing.T, impl Impl) any {
	const size = 64 << 20
	path := filepath.Join(t.TempDir(), "big.dat")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	type result struct {
		n   int64
		err error
	}
	res := make(chan result, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			res <- result{0, err}
			return
		}
		defer f.Close()
		w.Header().Set("Content-Length", strconv.Itoa(size))
		n, err := io.Copy(w, f)
		res <- result{n, err}
	})
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: h, WriteTimeout: settle(200 * time.Millisecond)})
	before := zeroCopied("sendfile")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
	var r result
	select {
	case r = <-res:
	case <-time.After(settle(10 * time.Second)):
		t.Fatal("the handler's io.Copy did not return")
	}
	c.SetReadDeadline(time.Now().Add(settle(10 * time.Second)))
	got, _ := io.ReadAll(c)
	head := bytes.Index(got, []byte("\r\n\r\n")) + 4
	if !errors.Is(r.err, os.ErrDeadlineExceeded) || r.n <= 0 || r.n >= size || head < 4 || int64(len(got)-head) != r.n {
		t.Errorf("io.Copy = %d, %v; the client got %d bytes after a %d-byte head", r.n, r.err, len(got)-head, head)
	}
	expectZeroCopy(t, impl, "sendfile", before, 1)
	return []any{shape(r.err), r.n > 0, int64(len(got)-head) == r.n, dateLine.ReplaceAllString(string(got[:max(head, 0)]), "Date: X\r\n")}
}

// sendInto copies r into dst with io.Copy (viaCopy) or dst's ReadFrom,
// then closes dst's writing side so that its peer sees the end.
func sendInto(dst net.Conn, r io.Reader, viaCopy bool) (int64, error) {
	var n int64
	var err error
	if viaCopy {
		n, err = io.Copy(dst, r)
	} else {
		n, err = dst.(io.ReaderFrom).ReadFrom(r)
	}
	dst.(interface{ CloseWrite() error }).CloseWrite()
	return n, err
}

// flood writes to c until a write fails (c or its peer closed); the
// channel is closed then.
func flood(c net.Conn) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		big := make([]byte, 1<<20)
		for {
			if _, err := c.Write(big); err != nil {
				return
			}
		}
	}()
	return done
}
