package net_test

import (
	"bytes"
	"errors"
	"io"
	stdnet "net"
	"os"
	"path/filepath"
	"testing"
	"time"

	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
)

// These tests prove that compat/net's ReadFrom and WriteTo take the
// zero-copy paths where the standard library does, by the counters of
// bytes that sendfile(2) and splice(2) moved. shimtest's readfrom/* and
// writeto/* cases compare what they return with the standard library's.

// zeroCopyPattern is a body whose every offset is distinct enough that a
// byte out of place shows.
func zeroCopyPattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}

// readAllAsync reads c to EOF in the background.
func readAllAsync(c stdnet.Conn) <-chan []byte {
	ch := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(c)
		ch <- b
	}()
	return ch
}

func TestReadFromFileUsesSendfile(t *testing.T) {
	const size = 3<<20 + 123
	data := zeroCopyPattern(size)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	c, peer := tcpPair(t, stdnet.Listen, net.Dial)
	got := readAllAsync(peer)
	before := loop.CurrentStats().BytesOut
	sf0, _ := loop.ZeroCopied()

	// From the file's offset, through a LimitedReader, then the rest.
	if _, err := f.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	lr := &io.LimitedReader{R: f, N: 1 << 20}
	n1, err := c.(io.ReaderFrom).ReadFrom(lr)
	if n1 != 1<<20 || err != nil || lr.N != 0 {
		t.Fatalf("ReadFrom(LimitedReader) = %d, %v; N = %d", n1, err, lr.N)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 1000+1<<20 {
		t.Fatalf("file offset after ReadFrom = %d, want %d", off, 1000+1<<20)
	}
	// io.Copy asks the file's WriteTo first, which hands the destination's
	// ReadFrom a wrapper of the file: sendfile must see through it.
	n2, err := io.Copy(c, f)
	if want := int64(size - 1000 - 1<<20); n2 != want || err != nil {
		t.Fatalf("io.Copy = %d, %v; want %d", n2, err, want)
	}
	c.(*net.TCPConn).CloseWrite()
	if b := <-got; !bytes.Equal(b, data[1000:]) {
		t.Fatalf("peer got %d bytes, not the file from offset 1000", len(b))
	}
	sf1, _ := loop.ZeroCopied()
	if sf1-sf0 != n1+n2 {
		t.Errorf("sendfile moved %d bytes, want %d", sf1-sf0, n1+n2)
	}
	if moved := loop.CurrentStats().BytesOut - before; moved < uint64(n1+n2) {
		t.Errorf("the loop's BytesOut moved by %d, want at least %d", moved, n1+n2)
	}
}

func TestReadFromConnUsesSplice(t *testing.T) {
	const size = 2<<20 + 77
	data := zeroCopyPattern(size)
	for _, src := range []struct {
		name   string
		listen func(string, string) (stdnet.Listener, error)
		dial   func(string, string) (stdnet.Conn, error)
	}{
		{"src=compat", stdnet.Listen, net.Dial},
		{"src=std", net.Listen, stdnet.Dial},
	} {
		t.Run(src.name, func(t *testing.T) {
			// feed -> srcPeer ~> srcConn (ReadFrom's source) => dst ~> sink
			srcConn, feed := tcpPair(t, src.listen, src.dial)
			dst, sink := tcpPair(t, stdnet.Listen, net.Dial)
			got := readAllAsync(sink)
			go func() {
				feed.Write(data)
				feed.(interface{ CloseWrite() error }).CloseWrite()
			}()
			_, sp0 := loop.ZeroCopied()
			// io.Copy: the source's WriteTo hands dst's ReadFrom its
			// connection wrapped (the stdlib's net.tcpConnWithoutWriteTo,
			// or this package's own), which splice must recognise.
			n, err := io.Copy(dst, srcConn)
			if n != size || err != nil {
				t.Fatalf("io.Copy = %d, %v", n, err)
			}
			dst.(*net.TCPConn).CloseWrite()
			if b := <-got; !bytes.Equal(b, data) {
				t.Fatalf("sink got %d bytes, not what was fed", len(b))
			}
			if _, sp1 := loop.ZeroCopied(); sp1-sp0 != size {
				t.Errorf("splice moved %d bytes, want %d", sp1-sp0, size)
			}
		})
	}
}

func TestWriteToUnixUsesSplice(t *testing.T) {
	const size = 1<<20 + 5
	data := zeroCopyPattern(size)
	dir, err := os.MkdirTemp("", "zc")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	uln, err := stdnet.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer uln.Close()
	got := make(chan []byte, 1)
	go func() {
		u, err := uln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer u.Close()
		b, _ := io.ReadAll(u)
		got <- b
	}()
	uc, err := net.Dial("unix", uln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()

	c, feed := tcpPair(t, stdnet.Listen, net.Dial)
	go func() {
		feed.Write(data)
		feed.(interface{ CloseWrite() error }).CloseWrite()
	}()
	_, sp0 := loop.ZeroCopied()
	n, err := c.(*net.TCPConn).WriteTo(uc)
	if n != size || err != nil {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
	uc.(*net.UnixConn).CloseWrite()
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("unix peer got %d bytes, not what was fed", len(b))
	}
	if _, sp1 := loop.ZeroCopied(); sp1-sp0 != size {
		t.Errorf("splice moved %d bytes, want %d", sp1-sp0, size)
	}
}

// TestSendfileCloseUnblocks: Close from another goroutine wakes a
// ReadFrom parked in the sendfile loop with net.ErrClosed.
func TestSendfileCloseUnblocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 64<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, _ := tcpPair(t, stdnet.Listen, net.Dial) // the peer never reads
	sf0, _ := loop.ZeroCopied()
	done := make(chan error, 1)
	go func() {
		_, err := c.(io.ReaderFrom).ReadFrom(f)
		done <- err
	}()
	// Close once sendfile has filled the buffers and parked.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if sf, _ := loop.ZeroCopied(); sf > sf0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("sendfile moved nothing")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		var oe *stdnet.OpError
		if !errors.Is(err, stdnet.ErrClosed) || !errors.As(err, &oe) || oe.Op != "readfrom" {
			t.Errorf("ReadFrom after Close = %v; want a readfrom *net.OpError with net.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not unblock ReadFrom")
	}
}
