//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	stdnet "net"
	"testing"

	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/sys/unix"
)

// TestSockaddrString: the string compat/http takes for Request.RemoteAddr
// (tcpSockaddr.string, through loop.RemoteAddrString) is the accepted
// connection's RemoteAddr().String(), for IPv4, IPv6 and IPv4-mapped IPv6
// peers; a scoped IPv6 address is left to RemoteAddr, and so is anything
// that is not an accepted TCP connection.
func TestSockaddrString(t *testing.T) {
	for _, sa := range []unix.Sockaddr{
		&unix.SockaddrInet4{Port: 80, Addr: [4]byte{127, 0, 0, 1}},
		&unix.SockaddrInet4{Port: 65535, Addr: [4]byte{255, 255, 255, 255}},
		&unix.SockaddrInet4{Port: 0, Addr: [4]byte{}},
		&unix.SockaddrInet6{Port: 8080, Addr: [16]byte{15: 1}},
		&unix.SockaddrInet6{Port: 1, Addr: [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 0x42}},
		&unix.SockaddrInet6{Port: 443, Addr: [16]byte{10: 0xff, 11: 0xff, 12: 10, 13: 1, 14: 2, 15: 3}},
		&unix.SockaddrInet6{Port: 443, Addr: [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	} {
		a := tcpSockaddr(loop.InetFromSockaddr(sa))
		got, ok := a.string()
		want := a.addr().String()
		if !ok || got != want {
			t.Errorf("%+v: string() = %q, %v; addr().String() = %q", sa, got, ok, want)
		}
	}
	scoped := tcpSockaddr(loop.InetFromSockaddr(&unix.SockaddrInet6{Port: 80, Addr: [16]byte{0xfe, 0x80, 15: 1}, ZoneId: 1}))
	if s, ok := scoped.string(); ok {
		t.Errorf("scoped IPv6 address: string() = %q, true; want false (the zone's name is looked up)", s)
	}

	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cc, err := stdnet.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if got, ok := loop.RemoteAddrString(sc); !ok || got != sc.RemoteAddr().String() || got != cc.LocalAddr().String() {
		t.Errorf("accepted: RemoteAddrString = %q, %v; RemoteAddr().String() = %q; client's LocalAddr %q",
			got, ok, sc.RemoteAddr().String(), cc.LocalAddr().String())
	}
	if s, ok := loop.RemoteAddrString(cc); ok {
		t.Errorf("a stdlib connection: RemoteAddrString = %q, true; want false", s)
	}
}
