package net_test

import (
	"bytes"
	"io"
	stdnet "net"
	"runtime"
	"syscall"
	"testing"
	"time"

	net "github.com/evshim/evshim/compat/net"
	"golang.org/x/sys/unix"
)

// TestRawConnLeavesSocketBlocking: code that clears O_NONBLOCK through
// SyscallConn, as it may on a standard library socket, gets a connection
// that still reads and writes, with a read that sleeps in the kernel
// letting other goroutines run. With a single P that is what fails if the
// loop's raw read (sysio_raw.go) missed the change: the sleeping read would
// hold the only P and the writer below would never run.
func TestRawConnLeavesSocketBlocking(t *testing.T) {
	clear := map[string]func(rc syscall.RawConn) error{
		"Control": func(rc syscall.RawConn) error {
			return rc.Control(func(s uintptr) { unix.SetNonblock(int(s), false) })
		},
		"Read": func(rc syscall.RawConn) error {
			return rc.Read(func(s uintptr) bool { unix.SetNonblock(int(s), false); return true })
		},
		"Write": func(rc syscall.RawConn) error {
			return rc.Write(func(s uintptr) bool { unix.SetNonblock(int(s), false); return true })
		},
	}
	for name, clearNonblock := range clear {
		t.Run(name, func(t *testing.T) {
			c, peer := tcpPair(t, net.Listen, net.Dial)
			rc, err := c.(*net.TCPConn).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			if err := clearNonblock(rc); err != nil {
				t.Fatal(err)
			}
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			for _, size := range []int{100, 64<<10 + 1, 1 << 20} {
				exchange(t, c, peer, size)
			}
		})
	}
}

// exchange sends size bytes from peer to c, c's read started first so
// that it waits in the kernel, then size bytes back.
func exchange(t *testing.T, c, peer stdnet.Conn, size int) {
	t.Helper()
	msg := bytes.Repeat([]byte("evshim!"), size/7+1)[:size]
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, size)
		n, _ := io.ReadFull(c, b)
		got <- b[:n]
	}()
	time.Sleep(10 * time.Millisecond) // the read is in the kernel by now
	if _, err := peer.Write(msg); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, msg) {
		t.Fatalf("%d bytes sent, %d read or different bytes", size, len(b))
	}
	go func() {
		b := make([]byte, size)
		n, _ := io.ReadFull(peer, b)
		got <- b[:n]
	}()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, msg) {
		t.Fatalf("%d bytes written, %d read back or different bytes", size, len(b))
	}
}
