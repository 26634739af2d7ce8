package shimtest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

var _ = register(
	Case{Name: "listener/accept-deadline", Run: runAcceptDeadline},
	Case{Name: "listener/close-unblocks-accept", Run: runCloseUnblocksAccept},
	Case{Name: "listener/unix", Run: runUnixListener},
	Case{Name: "dial/errors", Run: runDialErrors},
	Case{Name: "dial/options", Run: runDialOptions},
	Case{Name: "listenconfig/keepalive", Run: runListenConfigKeepAlive},
	Case{Name: "typed/tcp", Run: runTypedTCP},
	Case{Name: "typed/unix", Run: runTypedUnix},
)

// echoOnce accepts one conn on ln, echoes it to EOF and closes it.
func echoOnce(ln net.Listener) {
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
}

func roundTrip(t *testing.T, c net.Conn, msg string) string {
	t.Helper()
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.(interface{ CloseWrite() error }).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(got)
}

func runTypedTCP(t *testing.T, impl Impl) any {
	ln, err := impl.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	echoOnce(ln)
	c, err := impl.DialTCP("tcp4", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	_, badNet := impl.DialTCP("udp", nil, ln.Addr().(*net.TCPAddr))
	return []any{roundTrip(t, c, "typed tcp"), c.LocalAddr().Network(), shape(badNet)}
}

func runTypedUnix(t *testing.T, impl Impl) any {
	addr := &net.UnixAddr{Name: listenAddr(t, "unix"), Net: "unix"}
	ln, err := impl.ListenUnix("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	echoOnce(ln)
	c, err := impl.DialUnix("unix", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	// unixpacket is served by the standard library in both implementations.
	paddr := &net.UnixAddr{Name: listenAddr(t, "unix"), Net: "unixpacket"}
	pl, err := impl.ListenUnix("unixpacket", paddr)
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	echoOnce(pl)
	pc, err := impl.DialUnix("unixpacket", nil, paddr)
	if err != nil {
		t.Fatal(err)
	}
	pc.Write([]byte("packet"))
	buf := make([]byte, 16)
	n, _ := pc.Read(buf)
	pc.Close()
	return []string{roundTrip(t, c, "typed unix"), string(buf[:n])}
}

func runAcceptDeadline(t *testing.T, impl Impl) any {
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	rc, err := ln.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(uintptr) {}); err != nil {
		t.Fatal(err)
	}
	dl := ln.(interface{ SetDeadline(time.Time) error })
	dl.SetDeadline(time.Now().Add(settle(20 * time.Millisecond)))
	_, aerr := ln.Accept()
	if !errors.Is(aerr, os.ErrDeadlineExceeded) {
		t.Fatalf("Accept past its deadline = %v", aerr)
	}
	dl.SetDeadline(time.Time{})
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept after clearing the deadline: %v", err)
	}
	c.Close()
	return shape(aerr)
}

func runCloseUnblocksAccept(t *testing.T, impl Impl) any {
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := ln.Accept(); errc <- err }()
	time.Sleep(settle(20 * time.Millisecond))
	cerr := ln.Close()
	aerr := <-errc
	if !errors.Is(aerr, net.ErrClosed) {
		t.Errorf("Accept after Close = %v, want net.ErrClosed", aerr)
	}
	return []errShape{shape(cerr), shape(aerr), shape(ln.Close())}
}

func runUnixListener(t *testing.T, impl Impl) any {
	addr := listenAddr(t, "unix")
	ln, err := impl.Listen("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	ln.(interface{ SetUnlinkOnClose(bool) }).SetUnlinkOnClose(true)
	go func() {
		if c, err := net.Dial("unix", addr); err == nil {
			c.Write([]byte("u"))
			c.Close()
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(c)
	c.Close()
	ln.Close()
	_, statErr := os.Stat(addr)
	return []any{string(got), addrKind(c.LocalAddr()), errors.Is(statErr, os.ErrNotExist)}
}

func runDialErrors(t *testing.T, impl Impl) any {
	// A port nobody listens on: listen, note the port, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := impl.Dial("tcp", addr)
	_, unknown := impl.Dial("tcp9", addr)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, expired := impl.DialContext(ctx, DialOptions{}, "tcp", addr)
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, canceled := impl.DialContext(ctx2, DialOptions{}, "tcp", addr)
	if !errors.Is(expired, context.DeadlineExceeded) || !errors.Is(canceled, context.Canceled) {
		t.Errorf("dial errors: expired %v, canceled %v", expired, canceled)
	}
	var une net.UnknownNetworkError
	if !errors.As(unknown, &une) {
		t.Errorf("Dial(tcp9) = %v, want UnknownNetworkError", unknown)
	}
	return []errShape{shape(refused), shape(unknown), shape(expired), shape(canceled)}
}

func runDialOptions(t *testing.T, impl Impl) any {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}
	c, err := impl.DialContext(context.Background(), DialOptions{LocalAddr: local, KeepAlive: -1, Timeout: time.Minute}, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c2, err := impl.DialTimeout("tcp", ln.Addr().String(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
	la := c.LocalAddr().(*net.TCPAddr)
	return []any{la.IP.String(), getsockopt(t, c, sockoptKeepAlive()), c.RemoteAddr().String() == ln.Addr().String()}
}

func runListenConfigKeepAlive(t *testing.T, impl Impl) any {
	var obs []int
	for _, ka := range []time.Duration{0, -1} {
		ln, err := impl.ListenConfig(context.Background(), ListenOptions{KeepAlive: ka}, "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
				time.Sleep(settle(10 * time.Millisecond))
				c.Close()
			}
		}()
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, getsockopt(t, c, sockoptKeepAlive()), getsockopt(t, c, sockoptTCPNoDelay()))
		c.Close()
		ln.Close()
	}
	return obs
}
