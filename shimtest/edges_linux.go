//go:build go1.26

package shimtest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Linux-only edge cases (issue 13): they read descriptors from
// /proc/self/fd, lower RLIMIT_NOFILE, or read Linux socket options.

var _ = register(
	Case{Name: "keepalive/rejected-values", Run: runKeepAliveRejected},
	Case{Name: "file/blocking-named", Run: runFileBlockingNamed},
	Case{Name: "gc/dropped-conns", Run: runDroppedConnsReclaimed},
	Case{Name: "fdlimit/dial-listen", Run: runAtDescriptorLimit},
	Case{Name: "mptcp/fallback", Run: runMPTCPFallback},
)

// runKeepAliveRejected: keep-alive values the kernel rejects (an idle time
// over TCP_KEEPIDLE's 32767 s, a count over 127) do not fail Accept; the
// options before the rejected one are set, the ones after are not.
func runKeepAliveRejected(t *testing.T, impl Impl) any {
	var obs []any
	for _, o := range []ListenOptions{
		{KeepAlive: 10 * time.Hour},
		{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Count: 200}},
		{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 10 * time.Hour, Interval: time.Minute}},
	} {
		ln, err := impl.ListenConfig(context.Background(), o, "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		d, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c, err := ln.Accept()
		ln.Close()
		if err != nil {
			d.Close()
			t.Errorf("Accept with %+v: %v", o, err)
			obs = append(obs, shape(err))
			continue
		}
		d.Write([]byte("k"))
		b := make([]byte, 1)
		_, rerr := io.ReadFull(c, b)
		obs = append(obs, shape(rerr), string(b),
			getsockopt(t, c, sockoptKeepAlive()),
			getsockopt(t, c, sockopt{unix.IPPROTO_TCP, unix.TCP_KEEPIDLE}),
			getsockopt(t, c, sockopt{unix.IPPROTO_TCP, unix.TCP_KEEPINTVL}),
			getsockopt(t, c, sockopt{unix.IPPROTO_TCP, unix.TCP_KEEPCNT}),
			getsockopt(t, c, sockoptTCPNoDelay()))
		c.Close()
		d.Close()
	}
	return obs
}

// runFileBlockingNamed: File returns a duplicate named "net:laddr->raddr"
// whose Fd is blocking (what a child given it through ExtraFiles gets): a
// plain read(2) on it waits for data instead of failing with EAGAIN.
func runFileBlockingNamed(t *testing.T, impl Impl) any {
	var obs []any
	for _, network := range []string{"tcp", "unix"} {
		c, peer := pair(t, impl, network, "dialed")
		f, err := c.(interface{ File() (*os.File, error) }).File()
		if err != nil {
			t.Fatal(err)
		}
		name := scrubbedText(errors.New(f.Name()), c.LocalAddr(), c.RemoteAddr())
		fd := int(f.Fd())
		fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		go func() {
			time.Sleep(settle(20 * time.Millisecond))
			peer.Write([]byte("b"))
		}()
		b := make([]byte, 1)
		n, rerr := unix.Read(fd, b)
		obs = append(obs, network, name, fl&unix.O_NONBLOCK != 0, n, rerr == nil, string(b[:max(n, 0)]))
		f.Close()
	}
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(interface{ File() (*os.File, error) }).File()
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, scrubbedText(errors.New(f.Name()), ln.Addr()))
	f.Close()
	return obs
}

// socketInode returns the inode of c's socket, which every descriptor of
// that socket shares.
func socketInode(t *testing.T, c syscall.Conn) uint64 {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return st.Ino
}

// socketDescriptors counts, per socket inode, the process's open
// descriptors: unlike a count of all descriptors, it does not move when a
// finalizer elsewhere closes something meanwhile.
func socketDescriptors(t *testing.T) map[uint64]int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd: ", err)
	}
	m := map[uint64]int{}
	for _, e := range ents {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if ino, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"), 10, 64); err == nil {
			m[ino]++
		}
	}
	return m
}

// runDroppedConnsReclaimed: connections dropped without Close are closed
// once the garbage collector finds them, as the standard library's are.
func runDroppedConnsReclaimed(t *testing.T, impl Impl) any {
	const n = 50
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var inodes []uint64
	makeAndDrop := func() {
		for i := 0; i < n; i++ {
			d, err := impl.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			a, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			d.Write([]byte("x"))
			a.Read(make([]byte, 1))
			inodes = append(inodes, socketInode(t, d.(syscall.Conn)), socketInode(t, a.(syscall.Conn)))
		}
	}
	makeAndDrop()
	count := func() int {
		open := socketDescriptors(t)
		k := 0
		for _, ino := range inodes {
			k += open[ino]
		}
		return k
	}
	held := count()
	var left int
	for deadline := time.Now().Add(settle(5 * time.Second)); ; {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if left = count(); left == 0 || time.Now().After(deadline) {
			break
		}
	}
	if left > 0 {
		t.Errorf("%d of %d dropped descriptors still open after GC", left, held)
	}
	return []any{held, left}
}

// runAtDescriptorLimit: with two descriptors left under RLIMIT_NOFILE, a
// Dial and the Accept of its connection both succeed and carry data; with
// one left, a Listen succeeds; a listener holds one descriptor.
func runAtDescriptorLimit(t *testing.T, impl Impl) any {
	var obs []any
	for _, network := range []string{"tcp", "unix"} {
		ln, err := impl.Listen(network, listenAddr(t, network))
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, network, socketDescriptors(t)[socketInode(t, ln.(syscall.Conn))])
		// Two left: the dialed socket and the accepted one.
		var d, a net.Conn
		var derr, aerr error
		withDescriptorsLeft(t, 2, func() {
			d, derr = impl.Dial(network, ln.Addr().String())
			if derr == nil {
				a, aerr = ln.Accept()
			}
		})
		obs = append(obs, shape(derr), shape(aerr))
		if derr == nil && aerr == nil {
			d.Write([]byte("p"))
			b := make([]byte, 1)
			_, err := io.ReadFull(a, b)
			a.Write([]byte("q"))
			c := make([]byte, 1)
			_, err2 := io.ReadFull(d, c)
			obs = append(obs, string(b), shape(err), string(c), shape(err2))
		} else {
			t.Errorf("at the descriptor limit: Dial: %v; Accept: %v", derr, aerr)
		}
		for _, c := range []net.Conn{d, a} {
			if c != nil {
				c.Close()
			}
		}
		ln.Close()
		// One left: the listening socket.
		var ln2 net.Listener
		withDescriptorsLeft(t, 1, func() { ln2, err = impl.Listen(network, listenAddr(t, network)) })
		obs = append(obs, shape(err))
		if err == nil {
			go func() {
				if c, err := net.Dial(network, ln2.Addr().String()); err == nil {
					c.Close()
				}
			}()
			c, err := ln2.Accept()
			obs = append(obs, shape(err))
			if err == nil {
				c.Close()
			}
			ln2.Close()
		}
	}
	return obs
}

// withDescriptorsLeft runs f with the soft RLIMIT_NOFILE lowered and the
// table filled so that exactly k descriptors can still be opened; it
// restores both before returning.
func withDescriptorsLeft(t *testing.T, k int, f func()) {
	t.Helper()
	var orig unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &orig); err != nil {
		t.Skip(err)
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	top := 0
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil && n > top {
			top = n
		}
	}
	lim := orig
	lim.Cur = uint64(top + 64)
	if lim.Cur > orig.Max {
		t.Skip("hard descriptor limit too low")
	}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &orig)
	var fill []int
	defer func() {
		for _, fd := range fill {
			unix.Close(fd)
		}
	}()
	for {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			if err != unix.EMFILE {
				t.Fatal(err)
			}
			break
		}
		fill = append(fill, fd)
	}
	for i := 0; i < k; i++ {
		unix.Close(fill[len(fill)-1])
		fill = fill[:len(fill)-1]
	}
	f()
}

// runMPTCPFallback: MultipathTCP reports false once a connection has
// fallen back to TCP, on both sides, by the standard library's rules.
func runMPTCPFallback(t *testing.T, impl Impl) any {
	var obs []any
	for _, dm := range []bool{false, true} {
		for _, lm := range []bool{false, true} {
			ln, err := impl.ListenConfig(context.Background(), ListenOptions{MultipathTCP: &lm}, "tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			d, err := impl.DialContext(context.Background(), DialOptions{MultipathTCP: &dm}, "tcp", ln.Addr().String())
			if err != nil {
				ln.Close()
				t.Fatal(err)
			}
			a, err := ln.Accept()
			ln.Close()
			if err != nil {
				d.Close()
				t.Fatal(err)
			}
			type mp interface{ MultipathTCP() (bool, error) }
			dv, derr := d.(mp).MultipathTCP()
			av, aerr := a.(mp).MultipathTCP()
			obs = append(obs, dm, lm, dv, shape(derr), av, shape(aerr))
			d.Close()
			a.Close()
		}
	}
	return obs
}
