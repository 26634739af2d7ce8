//go:build go1.26

package shimtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/nettest"
)

// listenAddr returns an address to listen on for network: loopback port 0,
// or a short Unix socket path (paths are limited to about 100 bytes, which
// t.TempDir can exceed).
func listenAddr(t *testing.T, network string) string {
	t.Helper()
	if network != "unix" {
		return "127.0.0.1:0"
	}
	dir, err := os.MkdirTemp("", "shimtest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s.sock")
}

// pair returns a connected pair whose first conn is the implementation's
// and whose second is the standard library's. role "dialed" dials with the
// implementation to a stdlib listener; "accepted" accepts with the
// implementation from a stdlib dialer.
func pair(t *testing.T, impl Impl, network, role string) (mine, peer net.Conn) {
	t.Helper()
	listen, dial := Std.Listen, impl.Dial
	if role == "accepted" {
		listen, dial = impl.Listen, Std.Dial
	}
	ln, err := listen(network, listenAddr(t, network))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		ch <- result{c, err}
	}()
	d, err := dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		d.Close()
		t.Fatal(r.err)
	}
	mine, peer = d, r.c
	if role == "accepted" {
		mine, peer = r.c, d
	}
	t.Cleanup(func() { mine.Close(); peer.Close() })
	return mine, peer
}

func nettestCase(network, role string) Case {
	return Case{
		Name: "nettest/" + network + "/" + role,
		Run: func(t *testing.T, impl Impl) any {
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				c1, c2 = pair(t, impl, network, role)
				return c1, c2, func() { c1.Close(); c2.Close() }, nil
			})
			return nil
		},
	}
}

// errShape is what callers can observe of an error: its type, the OpError
// fields, and the errors.Is and Timeout answers they branch on.
type errShape struct {
	Type, Op, Net, Inner  string
	Source, Addr          string // "nil" or the address's network
	Timeout               bool
	Closed, Deadline, EOF bool
	CtxDeadline, Canceled bool
}

func shape(err error) errShape {
	if err == nil {
		return errShape{Type: "nil"}
	}
	s := errShape{
		Type:        fmt.Sprintf("%T", err),
		Closed:      errors.Is(err, net.ErrClosed),
		Deadline:    errors.Is(err, os.ErrDeadlineExceeded),
		EOF:         err == io.EOF,
		CtxDeadline: errors.Is(err, context.DeadlineExceeded),
		Canceled:    errors.Is(err, context.Canceled),
	}
	var ne net.Error
	if errors.As(err, &ne) {
		s.Timeout = ne.Timeout()
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		s.Op, s.Net, s.Inner = oe.Op, oe.Net, fmt.Sprintf("%T", oe.Err)
		s.Source, s.Addr = addrKind(oe.Source), addrKind(oe.Addr)
	}
	return s
}

func addrKind(a net.Addr) string {
	if a == nil {
		return "nil"
	}
	return a.Network()
}

var _ = register(
	nettestCase("tcp", "dialed"),
	nettestCase("tcp", "accepted"),
	nettestCase("unix", "dialed"),
	nettestCase("unix", "accepted"),
	Case{Name: "errors/after-close", Run: runErrorsAfterClose},
	Case{Name: "errors/deadline", Run: runErrorsDeadline},
	Case{Name: "errors/eof", Run: runErrorsEOF},
	Case{Name: "halfclose/tcp", Run: func(t *testing.T, impl Impl) any { return runHalfClose(t, impl, "tcp") }},
	Case{Name: "halfclose/unix", Run: func(t *testing.T, impl Impl) any { return runHalfClose(t, impl, "unix") }},
	Case{Name: "halfclose/peer-fin", Run: runPeerFIN},
	Case{Name: "bulk/tcp", Run: func(t *testing.T, impl Impl) any { return runBulk(t, impl, "tcp") }},
	Case{Name: "bulk/unix", Run: func(t *testing.T, impl Impl) any { return runBulk(t, impl, "unix") }},
	Case{Name: "slow-reader", Run: runSlowReader},
	Case{Name: "many-conns", Run: runManyConns},
	Case{Name: "close-during-io", Run: runCloseDuringIO},
	Case{Name: "sockopts", Run: runSockopts},
	Case{Name: "file", Run: runFile},
	Case{Name: "syscallconn", Run: runSyscallConn},
	Case{Name: "unix-rights", Run: runUnixRights},
)

func runErrorsAfterClose(t *testing.T, impl Impl) any {
	var obs []errShape
	for _, role := range []string{"dialed", "accepted"} {
		c, _ := pair(t, impl, "tcp", role)
		if err := c.Close(); err != nil {
			t.Fatalf("%s: first Close: %v", role, err)
		}
		_, rerr := c.Read(make([]byte, 1))
		_, werr := c.Write([]byte("x"))
		cerr := c.Close()
		serr := c.SetDeadline(time.Now())
		for _, err := range []error{rerr, werr, cerr, serr} {
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("%s: got %v, want net.ErrClosed", role, err)
			}
			obs = append(obs, shape(err))
		}
	}
	return obs
}

func runErrorsDeadline(t *testing.T, impl Impl) any {
	c, _ := pair(t, impl, "tcp", "dialed")
	c.SetReadDeadline(time.Now().Add(settle(20 * time.Millisecond)))
	_, rerr := c.Read(make([]byte, 1))
	c.SetWriteDeadline(time.Now().Add(-time.Second))
	_, werr := c.Write([]byte("x"))
	for _, err := range []error{rerr, werr} {
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("got %v, want a timeout wrapping os.ErrDeadlineExceeded", err)
		}
	}
	// A deadline never closes the connection; a later one revives it.
	c.SetDeadline(time.Time{})
	if _, err := c.Write([]byte("x")); err != nil {
		t.Errorf("Write after clearing the deadline: %v", err)
	}
	return []errShape{shape(rerr), shape(werr)}
}

func runErrorsEOF(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "dialed")
	peer.Write([]byte("ab"))
	peer.Close()
	got, err := io.ReadAll(c)
	if string(got) != "ab" || err != nil {
		t.Errorf("ReadAll = %q, %v; want \"ab\", nil", got, err)
	}
	_, err = c.Read(make([]byte, 1))
	if err != io.EOF {
		t.Errorf("Read after EOF = %v, want bare io.EOF", err)
	}
	return shape(err)
}

// runHalfClose: our side sends a request and CloseWrite; the peer reads to
// EOF and answers; our side reads the answer to EOF.
func runHalfClose(t *testing.T, impl Impl, network string) any {
	c, peer := pair(t, impl, network, "dialed")
	done := make(chan error, 1)
	go func() {
		req, err := io.ReadAll(peer)
		if err == nil {
			_, err = peer.Write(append([]byte("re:"), req...))
		}
		peer.Close()
		done <- err
	}()
	if _, err := c.Write([]byte("question")); err != nil {
		t.Fatal(err)
	}
	if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "re:question" {
		t.Errorf("ReadAll = %q, %v; want \"re:question\"", got, err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
	_, werr := c.Write([]byte("x"))
	return []any{string(got), werr != nil}
}

// runPeerFIN: the peer half-closes; our side reads EOF and can still write.
func runPeerFIN(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "accepted")
	peer.(*net.TCPConn).CloseWrite()
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("Read after peer FIN = %v, want io.EOF", err)
	}
	if err := c.(interface{ CloseRead() error }).CloseRead(); err != nil {
		t.Fatalf("CloseRead: %v", err)
	}
	if _, err := c.Write([]byte("still here")); err != nil {
		t.Fatalf("Write after peer FIN: %v", err)
	}
	c.Close()
	got, err := io.ReadAll(peer)
	if string(got) != "still here" || err != nil {
		t.Errorf("peer got %q, %v", got, err)
	}
	return string(got)
}

// runBulk sends 8 MiB of random bytes each way at once and compares
// checksums: nothing lost, nothing reordered, Close delivers all.
func runBulk(t *testing.T, impl Impl, network string) any {
	const size = 8 << 20
	for _, role := range []string{"dialed", "accepted"} {
		c, peer := pair(t, impl, network, role)
		out := make([]byte, size)
		for i := range out {
			out[i] = byte(rand.Uint32())
		}
		want := sha256.Sum256(out)
		var wg sync.WaitGroup
		var peerSum, mineSum [32]byte
		var peerErr, mineErr error
		wg.Add(2)
		go func() { // the peer echoes a checksum of what it read, then its own data
			defer wg.Done()
			h := sha256.New()
			_, peerErr = io.Copy(h, peer)
			copy(peerSum[:], h.Sum(nil))
		}()
		go func() {
			defer wg.Done()
			h := sha256.New()
			_, mineErr = io.Copy(h, c)
			copy(mineSum[:], h.Sum(nil))
		}()
		go func() {
			peer.Write(out)
			peer.(interface{ CloseWrite() error }).CloseWrite()
		}()
		// Dialed: Write; accepted: io.Copy through ReadFrom (the source
		// hides its WriteTo, so the destination's ReadFrom is used).
		if role == "dialed" {
			if n, err := c.Write(out); n != size || err != nil {
				t.Fatalf("%s: Write = %d, %v", role, n, err)
			}
		} else if n, err := io.Copy(c, io.LimitReader(bytes.NewReader(out), size)); n != size || err != nil {
			t.Fatalf("%s: io.Copy = %d, %v", role, n, err)
		}
		c.(interface{ CloseWrite() error }).CloseWrite()
		wg.Wait()
		if peerErr != nil || mineErr != nil || peerSum != want || mineSum != want {
			t.Errorf("%s: checksums differ (errors %v, %v)", role, peerErr, mineErr)
		}
	}
	return nil
}

// runSlowReader: a writer to a peer that does not read is held back by the
// kernel's buffers (its Write times out having written a bounded amount)
// rather than buffering without bound.
func runSlowReader(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "dialed")
	c.SetWriteDeadline(time.Now().Add(settle(200 * time.Millisecond)))
	n, err := c.Write(make([]byte, 64<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Write to a stalled peer = %d, %v; want a timeout", n, err)
	}
	if n >= 64<<20 {
		t.Fatalf("Write accepted all %d bytes of a stalled peer", n)
	}
	// Whatever Write accepted arrives in full.
	c.Close()
	got, _ := io.Copy(io.Discard, peer)
	if got != int64(n) {
		t.Errorf("peer read %d bytes, Write reported %d", got, n)
	}
	return shape(err)
}

// runManyConns runs 1,000 concurrent echo conversations.
func runManyConns(t *testing.T, impl Impl) any {
	const conns = 1000
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var srv sync.WaitGroup
	srv.Add(1)
	go func() {
		defer srv.Done()
		var wg sync.WaitGroup
		defer wg.Wait()
		for i := 0; i < conns; i++ {
			c, err := ln.Accept()
			if err != nil {
				t.Error(err)
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := impl.Dial("tcp", ln.Addr().String())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			msg := []byte(fmt.Sprintf("conn %d says hello", i))
			if _, err := c.Write(msg); err != nil {
				errs <- err
				return
			}
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
				errs <- fmt.Errorf("conn %d: got %q, %v", i, got, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	srv.Wait()
	return nil
}

// runCloseDuringIO: Close wakes a blocked Read and a blocked Write with
// net.ErrClosed.
func runCloseDuringIO(t *testing.T, impl Impl) any {
	c, _ := pair(t, impl, "tcp", "dialed")
	rerr, werr := make(chan error, 1), make(chan error, 1)
	go func() { _, err := c.Read(make([]byte, 1)); rerr <- err }()
	go func() {
		var err error
		for err == nil {
			_, err = c.Write(make([]byte, 1<<16))
		}
		werr <- err
	}()
	time.Sleep(settle(50 * time.Millisecond))
	c.Close()
	r, w := <-rerr, <-werr
	if !errors.Is(r, net.ErrClosed) || !errors.Is(w, net.ErrClosed) {
		t.Errorf("Read, Write after Close = %v, %v; want net.ErrClosed", r, w)
	}
	return []errShape{shape(r), shape(w)}
}

// sockopt names a socket option as (level, option).
type sockopt struct{ level, opt int }

func getsockopt(t *testing.T, c net.Conn, so sockopt) int {
	t.Helper()
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) { v, gerr = getsockoptInt(int(fd), so.level, so.opt) }); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	return v
}

// runSockopts sets options through the TCPConn methods and reads them back
// from the socket.
func runSockopts(t *testing.T, impl Impl) any {
	type tcpOpts interface {
		SetNoDelay(bool) error
		SetKeepAlive(bool) error
		SetKeepAlivePeriod(time.Duration) error
		SetKeepAliveConfig(net.KeepAliveConfig) error
		SetLinger(int) error
		SetReadBuffer(int) error
		SetWriteBuffer(int) error
		MultipathTCP() (bool, error)
	}
	var obs []any
	for _, role := range []string{"dialed", "accepted"} {
		c, _ := pair(t, impl, "tcp", role)
		o := c.(tcpOpts)
		obs = append(obs, getsockopt(t, c, sockoptTCPNoDelay()), getsockopt(t, c, sockoptKeepAlive()))
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(o.SetNoDelay(false))
		must(o.SetKeepAlive(false))
		obs = append(obs, getsockopt(t, c, sockoptTCPNoDelay()), getsockopt(t, c, sockoptKeepAlive()))
		must(o.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: 42 * time.Second, Interval: 7 * time.Second, Count: 3}))
		must(o.SetKeepAlivePeriod(31 * time.Second))
		must(o.SetLinger(0))
		must(o.SetReadBuffer(64 << 10))
		must(o.SetWriteBuffer(64 << 10))
		mp, err := o.MultipathTCP()
		must(err)
		obs = append(obs, getsockopt(t, c, sockoptKeepAlive()), keepAliveIdle(t, c), mp)
	}
	return obs
}

// runFile: File returns a working duplicate; FileConn and FileListener
// bring a socket back into the implementation.
func runFile(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "dialed")
	f, err := c.(interface{ File() (*os.File, error) }).File()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	fc, err := impl.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	if _, err := fc.Write([]byte("via file")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "via file" {
		t.Fatalf("peer read %q, %v", buf, err)
	}
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lf, err := ln.(interface{ File() (*os.File, error) }).File()
	ln.Close()
	if err != nil {
		t.Fatal(err)
	}
	fl, err := impl.FileListener(lf)
	lf.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	go func() {
		if d, err := net.Dial("tcp", fl.Addr().String()); err == nil {
			d.Write([]byte("k"))
			d.Close()
		}
	}()
	a, err := fl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a)
	a.Close()
	return []any{string(buf), string(got), fmt.Sprintf("%T", fc) == fmt.Sprintf("%T", c)}
}

// runSyscallConn: RawConn.Read waits for readability and RawConn.Write
// for writability.
func runSyscallConn(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "dialed")
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(settle(20 * time.Millisecond))
		peer.Write([]byte("raw"))
	}()
	buf := make([]byte, 8)
	var n int
	err = rc.Read(func(fd uintptr) bool {
		var rerr error
		n, rerr = rawRead(fd, buf)
		return rerr != errAgain
	})
	if err != nil || string(buf[:n]) != "raw" {
		t.Fatalf("RawConn.Read got %q, %v", buf[:n], err)
	}
	err = rc.Write(func(fd uintptr) bool {
		_, werr := rawWrite(fd, []byte("back"))
		return werr != errAgain
	})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	io.ReadFull(peer, got)
	c.Close()
	return []string{string(buf[:n]), string(got)}
}

// runUnixRights passes a descriptor over a Unix connection with
// WriteMsgUnix and ReadMsgUnix.
func runUnixRights(t *testing.T, impl Impl) any {
	type msgConn interface {
		ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *net.UnixAddr, err error)
		WriteMsgUnix(b, oob []byte, addr *net.UnixAddr) (n, oobn int, err error)
	}
	c, peer := pair(t, impl, "unix", "accepted")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	rights := unixRights(int(w.Fd()))
	go func() {
		peer.(msgConn).WriteMsgUnix([]byte("fd"), rights, nil)
	}()
	buf, oob := make([]byte, 8), make([]byte, 64)
	n, oobn, _, _, err := c.(msgConn).ReadMsgUnix(buf, oob)
	if err != nil {
		t.Fatal(err)
	}
	fds := parseUnixRights(t, oob[:oobn])
	if len(fds) != 1 {
		t.Fatalf("received %d descriptors, want 1", len(fds))
	}
	passed := os.NewFile(uintptr(fds[0]), "passed")
	passed.Write([]byte("through"))
	passed.Close()
	w.Close()
	got, _ := io.ReadAll(r)
	if _, _, err := c.(msgConn).WriteMsgUnix([]byte("x"), nil, &net.UnixAddr{Name: "/nowhere", Net: "unix"}); err == nil {
		t.Error("WriteMsgUnix to an address on a connected socket succeeded")
	}
	// ReadFrom and ReadFromUnix on a stream socket: the peer is unnamed.
	type fromConn interface {
		ReadFrom(b []byte) (int, net.Addr, error)
		ReadFromUnix(b []byte) (int, *net.UnixAddr, error)
		WriteToUnix(b []byte, addr *net.UnixAddr) (int, error)
		WriteTo(b []byte, addr net.Addr) (int, error)
	}
	peer.Write([]byte("12"))
	fc := c.(fromConn)
	n1, a1, err1 := fc.ReadFrom(buf[:1])
	n2, a2, err2 := fc.ReadFromUnix(buf[1:2])
	if n1 != 1 || n2 != 1 || err1 != nil || err2 != nil || a1 != nil || a2 != nil {
		t.Errorf("ReadFrom = %d, %v, %v; ReadFromUnix = %d, %v, %v", n1, a1, err1, n2, a2, err2)
	}
	// A dialed (connected) stream socket takes no destination.
	d, _ := pair(t, impl, "unix", "dialed")
	_, werr := d.(fromConn).WriteToUnix([]byte("x"), &net.UnixAddr{Name: "/nowhere", Net: "unix"})
	_, werr2 := d.(fromConn).WriteTo([]byte("x"), &net.UnixAddr{Name: "/nowhere", Net: "unix"})
	if !errors.Is(werr, net.ErrWriteToConnected) || !errors.Is(werr2, net.ErrWriteToConnected) {
		t.Errorf("WriteToUnix, WriteTo on a dialed conn = %v, %v; want ErrWriteToConnected", werr, werr2)
	}
	return []any{string(buf[:n]), string(got), shape(werr), shape(werr2)}
}
