//go:build linux

package loadgen

import (
	"net"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The epoll engine's system calls, made raw: the runtime does not see them.
//
// Through the runtime's syscall path (what x/sys/unix's wrappers use), a
// thread that stays in a call for more than 20µs (an epoll_wait that
// blocks, or on a busy machine a write or connect that wakes the server)
// has its P handed off by sysmon. sysmon then wakes every 20µs, and each
// hand-off starts and parks an M: in a profile of sched_switch events that
// was over half of the engine's context switches. A raw call keeps the P.
// None of these calls blocks (the sockets are non-blocking) except
// epoll_wait, which the engine bounds to maxWait; the runtime preempts a
// goroutine that runs on for 10ms (forcePreemptNS) to run the others (the
// run's timers, the progress line, a collection's stop-the-world), which
// therefore wait at most about that long.

// rawAddr is a socket address encoded for the kernel. It is immutable, so
// threads share it.
type rawAddr struct {
	p   unsafe.Pointer
	len uintptr
}

func encodeAddr(a netip.AddrPort) rawAddr {
	if a.Addr().Is4() {
		sa := &unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: a.Addr().As4()}
		putPort(&sa.Port, a.Port())
		return rawAddr{unsafe.Pointer(sa), unix.SizeofSockaddrInet4}
	}
	sa := &unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: a.Addr().As16()}
	putPort(&sa.Port, a.Port())
	if z := a.Addr().Zone(); z != "" {
		if ifi, err := net.InterfaceByName(z); err == nil {
			sa.Scope_id = uint32(ifi.Index)
		}
	}
	return rawAddr{unsafe.Pointer(sa), unix.SizeofSockaddrInet6}
}

// putPort stores port in network byte order.
func putPort(field *uint16, port uint16) {
	p := (*[2]byte)(unsafe.Pointer(field))
	p[0], p[1] = byte(port>>8), byte(port)
}

func errnoErr(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func rawSocket(domain, typ int) (int, error) {
	fd, _, e := unix.RawSyscall(unix.SYS_SOCKET, uintptr(domain), uintptr(typ), 0)
	return int(fd), errnoErr(e)
}

func rawSetsockoptInt(fd, level, opt, value int) error {
	v := int32(value)
	_, _, e := unix.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(&v)), 4, 0)
	return errnoErr(e)
}

func rawBind(fd int, a rawAddr) error {
	_, _, e := unix.RawSyscall(unix.SYS_BIND, uintptr(fd), uintptr(a.p), a.len)
	return errnoErr(e)
}

func rawConnect(fd int, a rawAddr) error {
	_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(a.p), a.len)
	return errnoErr(e)
}

func rawEpollCtl(epfd, op, fd int, ev *unix.EpollEvent) error {
	_, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), uintptr(op), uintptr(fd), uintptr(unsafe.Pointer(ev)), 0, 0)
	return errnoErr(e)
}

// rawEpollWait waits at most ms milliseconds. epoll_pwait with no signal
// mask is epoll_wait, and exists on every Linux architecture.
func rawEpollWait(epfd int, events []unix.EpollEvent, ms int) (int, error) {
	n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(ms), 0, 0)
	return int(n), errnoErr(e)
}

func rawRead(fd int, b []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(n), errnoErr(e)
}

func rawWrite(fd int, b []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(n), errnoErr(e)
}

func rawClose(fd int) {
	unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
}
