package shimtest

import (
	"errors"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Cases for the standard library's behaviour at the edges (issue 13):
// deadlines that overflow the clock, error shapes of rarely used methods,
// what RawConn calls and when.

var _ = register(
	Case{Name: "deadline/far-future", Run: runFarFutureDeadline},
	Case{Name: "unix/readfrom-errors", Run: runUnixReadFromErrors},
	Case{Name: "unix/writeto-shapes", Run: runUnixWriteToShapes},
	Case{Name: "listener/after-close-shapes", Run: runListenerAfterCloseShapes},
	Case{Name: "syscallconn/read-calls", Run: runRawReadCalls},
)

// scrubbedText is err's text with the given addresses replaced by A0, A1, ...,
// so that texts from different sockets compare.
func scrubbedText(err error, addrs ...net.Addr) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	for i, a := range addrs {
		if a != nil && a.String() != "" {
			s = strings.ReplaceAll(s, a.String(), "A"+string(rune('0'+i)))
		}
	}
	return s
}

// farDeadlines are deadlines far enough ahead to overflow a monotonic
// clock's now+d.
var farDeadlines = []struct {
	name string
	t    func() time.Time
}{
	{"add-maxint64", func() time.Time { return time.Now().Add(math.MaxInt64) }},
	{"year-292e9", func() time.Time { return time.Unix(1<<62, 0) }},
}

// runFarFutureDeadline: after a deadline far in the future, a later 50 ms
// deadline still fires, on a blocked Read and on a blocked Accept.
func runFarFutureDeadline(t *testing.T, impl Impl) any {
	var obs []any
	for _, far := range farDeadlines {
		c, _ := pair(t, impl, "tcp", "dialed")
		obs = append(obs, far.name, waitShortAfterFar(t, c.SetReadDeadline, far.t(), func() error {
			_, err := c.Read(make([]byte, 1))
			return err
		}))
		ln, err := impl.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dl := ln.(interface{ SetDeadline(time.Time) error })
		obs = append(obs, waitShortAfterFar(t, dl.SetDeadline, far.t(), func() error {
			c, err := ln.Accept()
			if err == nil {
				c.Close()
			}
			return err
		}))
		ln.Close()
	}
	return obs
}

// waitShortAfterFar sets far, starts op, moves the deadline to 50 ms from
// now while op waits, and reports how op ended.
func waitShortAfterFar(t *testing.T, set func(time.Time) error, far time.Time, op func() error) any {
	t.Helper()
	if err := set(far); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- op() }()
	time.Sleep(settle(20 * time.Millisecond)) // op parks under the far deadline
	if err := set(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		d := time.Since(start)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("after a far deadline and a short one: %v, want a timeout", err)
		}
		return []any{shape(err), d >= 50*time.Millisecond, d < settle(5*time.Second)}
	case <-time.After(settle(10 * time.Second)):
		set(time.Now()) // let op go
		<-done
		t.Error("a short deadline set after a far one never fired")
		return nil
	}
}

type unixFromConn interface {
	ReadFrom(b []byte) (int, net.Addr, error)
	ReadFromUnix(b []byte) (int, *net.UnixAddr, error)
	ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *net.UnixAddr, err error)
	WriteMsgUnix(b, oob []byte, addr *net.UnixAddr) (n, oobn int, err error)
	WriteToUnix(b []byte, addr *net.UnixAddr) (int, error)
	WriteTo(b []byte, addr net.Addr) (int, error)
}

// runUnixReadFromErrors: ReadFrom, ReadFromUnix and ReadMsgUnix return a
// count of 0 with a deadline's error and after Close.
func runUnixReadFromErrors(t *testing.T, impl Impl) any {
	c, _ := pair(t, impl, "unix", "dialed")
	uc := c.(unixFromConn)
	var obs []any
	record := func(what string, n int, err error) {
		if n != 0 {
			t.Errorf("%s returned n = %d with %v, want 0", what, n, err)
		}
		obs = append(obs, what, n, shape(err), scrubbedText(err, c.LocalAddr(), c.RemoteAddr()))
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond)) // parks, then times out
	n, _, err := uc.ReadFromUnix(make([]byte, 4))
	record("ReadFromUnix/deadline", n, err)
	n, _, err = uc.ReadFrom(make([]byte, 4))
	record("ReadFrom/deadline", n, err)
	n, _, _, _, err = uc.ReadMsgUnix(make([]byte, 4), nil)
	record("ReadMsgUnix/deadline", n, err)
	c.SetReadDeadline(time.Time{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		n, _, err := uc.ReadFromUnix(make([]byte, 4))
		record("ReadFromUnix/close-while-parked", n, err)
	}()
	time.Sleep(settle(20 * time.Millisecond))
	c.Close()
	<-done
	n, _, err = uc.ReadFrom(make([]byte, 4))
	record("ReadFrom/closed", n, err)
	return obs
}

// runUnixWriteToShapes: WriteMsgUnix, WriteToUnix and WriteTo with and
// without an address, on a dialed and on an accepted stream socket, fail
// as the standard library's do (the kernel's EISCONN, ErrWriteToConnected,
// "missing address").
func runUnixWriteToShapes(t *testing.T, impl Impl) any {
	var obs []any
	for _, role := range []string{"dialed", "accepted"} {
		c, peer := pair(t, impl, "unix", role)
		uc := c.(unixFromConn)
		to := &net.UnixAddr{Name: "/nowhere", Net: "unix"}
		gram := &net.UnixAddr{Name: "/nowhere", Net: "unixgram"}
		addrs := []net.Addr{c.LocalAddr(), c.RemoteAddr()}
		n, oobn, err := uc.WriteMsgUnix([]byte("x"), nil, to)
		obs = append(obs, role, "WriteMsgUnix/addr", n, oobn, shape(err), scrubbedText(err, addrs...), errors.Is(err, syscall.EISCONN))
		n, oobn, err = uc.WriteMsgUnix([]byte("x"), nil, gram)
		obs = append(obs, "WriteMsgUnix/unixgram", n, oobn, shape(err), scrubbedText(err, addrs...))
		n, oobn, err = uc.WriteMsgUnix([]byte("y"), nil, nil)
		obs = append(obs, "WriteMsgUnix/nil", n, oobn, shape(err))
		for _, a := range []*net.UnixAddr{nil, to, gram} {
			n, err := uc.WriteToUnix([]byte("z"), a)
			obs = append(obs, "WriteToUnix", a == nil, n, shape(err), scrubbedText(err, addrs...),
				errors.Is(err, net.ErrWriteToConnected), errors.Is(err, syscall.EISCONN))
		}
		n, err = uc.WriteTo([]byte("z"), &net.TCPAddr{})
		obs = append(obs, "WriteTo/tcpaddr", n, shape(err), scrubbedText(err, addrs...), errors.Is(err, syscall.EINVAL))
		got := make([]byte, 1)
		if _, err := io.ReadFull(peer, got); err != nil || string(got) != "y" {
			t.Errorf("peer read %q, %v; want the one message sent without an address", got, err)
		}
	}
	return obs
}

// runListenerAfterCloseShapes: a listener's SetDeadline after Close returns
// net.ErrClosed bare; its RawConn runs Control but refuses Read and Write
// with EINVAL.
func runListenerAfterCloseShapes(t *testing.T, impl Impl) any {
	var obs []any
	for _, network := range []string{"tcp", "unix"} {
		ln, err := impl.Listen(network, listenAddr(t, network))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := ln.(syscall.Conn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		f := func(uintptr) bool { calls++; return true }
		rerr, werr := rc.Read(f), rc.Write(f)
		cerr := rc.Control(func(uintptr) { calls++ })
		obs = append(obs, network, calls, shape(rerr), rerr == syscall.EINVAL, werr == syscall.EINVAL, shape(cerr))
		ln.Close()
		err = ln.(interface{ SetDeadline(time.Time) error }).SetDeadline(time.Now())
		obs = append(obs, shape(err), scrubbedText(err, ln.Addr()), err == net.ErrClosed)
		cerr = rc.Control(func(uintptr) {})
		obs = append(obs, shape(cerr), scrubbedText(cerr, ln.Addr()))
	}
	return obs
}

// runRawReadCalls: RawConn.Read calls f once, and again once readiness
// comes: twice for data that arrives while it waits.
func runRawReadCalls(t *testing.T, impl Impl) any {
	c, peer := pair(t, impl, "tcp", "dialed")
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(settle(20 * time.Millisecond))
		peer.Write([]byte("r"))
	}()
	calls := 0
	buf := make([]byte, 1)
	err = rc.Read(func(fd uintptr) bool {
		calls++
		n, err := rawRead(fd, buf)
		return !(n <= 0 && err == errAgain)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Writable at once: f runs once.
	wcalls := 0
	err = rc.Write(func(fd uintptr) bool {
		wcalls++
		_, err := rawWrite(fd, []byte("w"))
		return err != errAgain
	})
	return []any{calls, wcalls, shape(err), string(buf)}
}
