//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"testing"

	"golang.org/x/sys/unix"
)

// inetListener returns a listening socket bound to bind, registered on
// the loop, and its port (see listenInet).
func inetListener(t *testing.T, family int, bind unix.Sockaddr, v6only int) (*FD, int) {
	t.Helper()
	s, port := listenInet(t, family, bind, v6only)
	fd, err := Register(s, true, Adopted)
	if err != nil {
		unix.Close(s)
		t.Fatal(err)
	}
	t.Cleanup(func() { fd.Close() })
	return fd, port
}

// listenInet returns a non-blocking listening socket bound to bind, which
// the caller closes, and its port. v6only sets IPV6_V6ONLY on an IPv6
// socket (0 accepts IPv4 clients as IPv4-mapped addresses); the test is
// skipped where the platform refuses it.
func listenInet(t *testing.T, family int, bind unix.Sockaddr, v6only int) (int, int) {
	t.Helper()
	s, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("socket(%d): %v", family, err)
	}
	unix.CloseOnExec(s)
	fail := func(skip bool, format string, args ...any) {
		t.Helper()
		unix.Close(s)
		if skip {
			t.Skipf(format, args...)
		}
		t.Fatalf(format, args...)
	}
	if family == unix.AF_INET6 {
		if err := unix.SetsockoptInt(s, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only); err != nil {
			fail(true, "IPV6_V6ONLY=%d: %v", v6only, err)
		}
	}
	if err := unix.Bind(s, bind); err != nil {
		fail(true, "bind %+v: %v", bind, err)
	}
	if err := unix.Listen(s, 8); err != nil {
		fail(false, "listen: %v", err)
	}
	if err := unix.SetNonblock(s, true); err != nil {
		fail(false, "%v", err)
	}
	sa, err := unix.Getsockname(s)
	if err != nil {
		fail(false, "getsockname: %v", err)
	}
	return s, int(InetFromSockaddr(sa).Port)
}

// dialBlocking connects a blocking socket of family to sa.
func dialBlocking(t *testing.T, family int, sa unix.Sockaddr) int {
	t.Helper()
	c, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.CloseOnExec(c)
	if err := unix.Connect(c, sa); err != nil {
		unix.Close(c)
		t.Fatal(err)
	}
	return c
}

// TestAcceptInet: the peer address that AcceptInet returns and the local
// one that LocalInet returns are what x/sys's getpeername and getsockname
// say of the same socket, decoded by InetFromSockaddr, for IPv4, IPv6, and
// an IPv4 client of a dual-stack IPv6 listener (an IPv4-mapped address).
// On most Linux platforms the two come from different code
// (sockcalls_direct.go decodes the kernel's bytes itself).
func TestAcceptInet(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	loop4 := [4]byte{127, 0, 0, 1}
	loop6 := [16]byte{15: 1}
	for _, tc := range []struct {
		name                    string
		family, v6only          int
		bind                    unix.Sockaddr
		dialFamily              int
		dial                    func(port int) unix.Sockaddr
		peerFamily, localFamily uint8
	}{
		{"ipv4", unix.AF_INET, 0, &unix.SockaddrInet4{Addr: loop4}, unix.AF_INET,
			func(p int) unix.Sockaddr { return &unix.SockaddrInet4{Port: p, Addr: loop4} }, 4, 4},
		{"ipv6", unix.AF_INET6, 1, &unix.SockaddrInet6{Addr: loop6}, unix.AF_INET6,
			func(p int) unix.Sockaddr { return &unix.SockaddrInet6{Port: p, Addr: loop6} }, 6, 6},
		{"ipv4-mapped", unix.AF_INET6, 0, &unix.SockaddrInet6{}, unix.AF_INET,
			func(p int) unix.Sockaddr { return &unix.SockaddrInet4{Port: p, Addr: loop4} }, 6, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, port := inetListener(t, tc.family, tc.bind, tc.v6only)
			c := dialBlocking(t, tc.dialFamily, tc.dial(port))
			defer unix.Close(c)
			ns, peer, op, err := ln.AcceptInet()
			if err != nil {
				t.Fatalf("AcceptInet: %s: %v", op, err)
			}
			fd, err := Register(ns, true, Accepted)
			if err != nil {
				unix.Close(ns)
				t.Fatal(err)
			}
			defer fd.Close()
			local, err := fd.LocalInet()
			if err != nil {
				t.Fatal(err)
			}
			psa, err := unix.Getpeername(ns)
			if err != nil {
				t.Fatal(err)
			}
			lsa, err := unix.Getsockname(ns)
			if err != nil {
				t.Fatal(err)
			}
			if want := InetFromSockaddr(psa); peer != want {
				t.Errorf("AcceptInet's peer = %+v, getpeername says %+v", peer, want)
			}
			if want := InetFromSockaddr(lsa); local != want {
				t.Errorf("LocalInet = %+v, getsockname says %+v", local, want)
			}
			csa, err := unix.Getsockname(c)
			if err != nil {
				t.Fatal(err)
			}
			if peer.Family != tc.peerFamily || local.Family != tc.localFamily || peer.Port != InetFromSockaddr(csa).Port || int(local.Port) != port {
				t.Errorf("peer %+v, local %+v: want families %d and %d, the client's port %d and the listener's %d",
					peer, local, tc.peerFamily, tc.localFamily, InetFromSockaddr(csa).Port, port)
			}
		})
	}
}

// TestPeekClosed: PeekClosed consumes nothing, says false while the peer
// is open (with data waiting or none), and true once it has closed.
func TestPeekClosed(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, b := registeredPair(t)
	if fd.PeekClosed() {
		t.Fatal("PeekClosed with the peer open and nothing sent")
	}
	if _, err := unix.Write(b, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fd.PeekClosed() {
		t.Fatal("PeekClosed with a byte waiting")
	}
	unix.Close(b)
	if fd.PeekClosed() {
		t.Fatal("PeekClosed before the unread byte")
	}
	var p [2]byte
	if n, err := fd.Read(p[:]); n != 1 || p[0] != 'x' {
		t.Fatalf("Read = %d, %v, %q: the peek consumed the byte", n, err, p[:n])
	}
	if !fd.PeekClosed() {
		t.Fatal("PeekClosed = false after the peer closed and its data was read")
	}
}
