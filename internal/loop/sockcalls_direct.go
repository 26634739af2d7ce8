//go:build linux && !386 && !s390x

package loop

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// accept4(2), getsockname(2) and a peeking recvfrom(2), made with their
// syscall numbers rather than x/sys's wrappers. Each wrapper returns the
// address as a unix.Sockaddr, and to build it the raw buffer escapes to
// the heap and a Sockaddr is allocated: about 450 bytes of garbage per
// connection that a server accepts and serves (BenchmarkNewConnGET in
// compat/http), which the GC then collects. Here the kernel writes into a
// buffer on the stack, decoded by value into an InetAddr.
//
// linux/386 and linux/s390x make these calls through socketcall(2), which
// x/sys's wrappers know how to do; they take sockcalls_xsys.go.

// acceptInet is accept4 with the flags set atomically, for a TCP
// listener: the peer's address comes back by value.
func acceptInet(s int) (int, InetAddr, string, error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	r, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(s), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, InetAddr{}, "accept4", e
	}
	return int(r), inetFromRaw(&rsa), "", nil
}

// getsocknameInet returns the socket's own address.
func getsocknameInet(s int) (InetAddr, error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	_, _, e := unix.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(s), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return InetAddr{}, e
	}
	return inetFromRaw(&rsa), nil
}

// peek reads into b without consuming or waiting (MSG_PEEK|MSG_DONTWAIT).
func peek(s int, b []byte) (int, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(s), uintptr(p), uintptr(len(b)), unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

// inetFromRaw decodes an IPv4 or IPv6 sockaddr as x/sys's anyToSockaddr
// does (the port is in network byte order); anything else is none.
func inetFromRaw(rsa *unix.RawSockaddrAny) InetAddr {
	var a InetAddr
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&pp.Port))
		copy(a.IP[:], pp.Addr[:])
		a.Port, a.Family = uint16(p[0])<<8|uint16(p[1]), 4
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&pp.Port))
		copy(a.IP[:], pp.Addr[:])
		a.Port, a.Family, a.Zone = uint16(p[0])<<8|uint16(p[1]), 6, pp.Scope_id
	}
	return a
}
