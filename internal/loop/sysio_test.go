//go:build linux

package loop

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFDBlockingMode checks when the FD stops trusting its socket to be
// non-blocking (and so stops making raw syscalls, sysio_raw.go): not for a
// socket nobody else has touched, but once a duplicate exists or a
// callback cleared O_NONBLOCK. Reads and writes work in both modes.
func TestFDBlockingMode(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	cases := []struct {
		name string
		do   func(t *testing.T, fd *FD)
		want bool
	}{
		{"untouched", func(t *testing.T, fd *FD) { fd.NoteFlags() }, false},
		{"callback kept O_NONBLOCK", func(t *testing.T, fd *FD) {
			fd.RawControl(func(s uintptr) { unix.SetsockoptInt(int(s), unix.SOL_SOCKET, unix.SO_SNDBUF, 1<<16) })
			fd.NoteFlags()
		}, false},
		{"callback cleared O_NONBLOCK", func(t *testing.T, fd *FD) {
			fd.RawControl(func(s uintptr) { unix.SetNonblock(int(s), false) })
			fd.NoteFlags()
		}, true},
		{"dup", func(t *testing.T, fd *FD) {
			d, err := fd.Dup()
			if err != nil {
				t.Fatal(err)
			}
			unix.Close(d)
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fd, b := registeredPair(t)
			tc.do(t, fd)
			if got := fd.blocking.Load(); got != tc.want {
				t.Fatalf("blocking = %v, want %v", got, tc.want)
			}
			// Both sides of rawIOMax, each way.
			for _, size := range []int{100, rawIOMax + 1, 1 << 20} {
				msg := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
				got := make([]byte, size)
				errc := make(chan error, 1)
				go func() {
					_, err := fd.Write(msg)
					errc <- err
				}()
				if err := readFullFrom(b, got); err != nil {
					t.Fatal(err)
				}
				if err := <-errc; err != nil {
					t.Fatalf("Write(%d bytes): %v", size, err)
				}
				if !bytes.Equal(got, msg) {
					t.Fatalf("%d bytes written, different bytes read", size)
				}
				go func() {
					errc <- writeAllTo(b, msg)
				}()
				if _, err := io.ReadFull(fd, got); err != nil {
					t.Fatalf("Read: %v", err)
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, msg) {
					t.Fatalf("%d bytes sent, different bytes read", size)
				}
			}
		})
	}
}

// readFullFrom and writeAllTo move bytes on a raw non-blocking
// descriptor, polling it.
func readFullFrom(fd int, p []byte) error {
	for n := 0; n < len(p); {
		k, err := unix.Read(fd, p[n:])
		switch {
		case err == unix.EAGAIN:
			waitFor(fd, unix.POLLIN)
		case err != nil:
			return err
		case k == 0:
			return io.ErrUnexpectedEOF
		default:
			n += k
		}
	}
	return nil
}

func writeAllTo(fd int, p []byte) error {
	for n := 0; n < len(p); {
		k, err := unix.Write(fd, p[n:])
		switch {
		case err == unix.EAGAIN:
			waitFor(fd, unix.POLLOUT)
		case err != nil:
			return err
		default:
			n += k
		}
	}
	return nil
}

func waitFor(fd int, events int16) {
	unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: events}}, 1000)
}
