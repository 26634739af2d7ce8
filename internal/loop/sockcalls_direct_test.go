//go:build linux && !386 && !s390x

package loop

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestSockcallsAllocateNothing: accepting a TCP connection, reading its
// local address and peeking at it allocate nothing here (x/sys's wrappers
// allocate the address each time; sockcalls_direct.go says why that
// matters).
func TestSockcallsAllocateNothing(t *testing.T) {
	// Not on the loop: its reactor's own allocations would count.
	ln, port := listenInet(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, 0)
	defer unix.Close(ln)
	sa := &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
	var b [1]byte
	allocs := testing.AllocsPerRun(20, func() {
		c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(c)
		if err := unix.Connect(c, sa); err != nil {
			t.Fatal(err)
		}
		ns, peer, _, err := acceptInet(ln)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(ns)
		local, err := getsocknameInet(ns)
		if err != nil || peer.Family != 4 || local.Family != 4 {
			t.Fatalf("getsockname: %+v, %v; peer %+v", local, err, peer)
		}
		if n, err := peek(ns, b[:]); n != -1 || err != unix.EAGAIN {
			t.Fatalf("peek = %d, %v; want -1, EAGAIN", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per accept, getsockname and peek; want 0", allocs)
	}
}
