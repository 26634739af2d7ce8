//go:build linux && !race && !msan && !asan

package loop

import (
	"syscall"
	"unsafe"
)

// The data path's read(2) and write(2), made without telling the Go
// scheduler (syscall.RawSyscall), on a socket known to be non-blocking.
//
// Why: syscall.Read and syscall.Write enter the scheduler's "in a syscall"
// state so that a thread sleeping in the kernel does not hold its P. A read
// or write on a non-blocking socket never sleeps, so all that state buys
// is its cost, and on a busy machine a large one: when the OS deschedules
// the thread inside the syscall, sysmon sees the P in a syscall, hands it
// to another thread (a futex wake and a context switch), and the first
// thread, back from the kernel without a P, parks (another). Sharing 2
// cores with wrk at 1,000 keep-alive connections, compat/http's server
// made half as many context switches per request with raw reads and
// writes, and spent 7% less CPU per request (docs/performance-http.md).
// The runtime's own netpoller calls epoll_wait the same way when it does
// not wait, and the cost of entersyscall for non-blocking descriptors is
// discussed in golang/go#19563 and golang/go#29734.
//
// The limits: a descriptor that may be in blocking mode (fd.blocking: a
// File or Dup of it exists, or a RawConn callback left it blocking) and
// transfers over rawIOMax bytes take the scheduler-aware syscalls, so a
// raw call never sleeps and never copies for long while it holds its P.
// Builds with -race keep syscall.Read and syscall.Write for their
// happens-before annotations (see ignoringEINTRIO); -msan and -asan for
// theirs.

func (fd *FD) sysRead(p []byte) (int, error) {
	if len(p) > rawIOMax || fd.blocking.Load() {
		return ignoringEINTRIO(syscall.Read, fd.sysfd(), p)
	}
	return ignoringEINTRIO(rawRead, fd.sysfd(), p)
}

func (fd *FD) sysWrite(p []byte) (int, error) {
	if len(p) > rawIOMax || fd.blocking.Load() {
		return ignoringEINTRIO(syscall.Write, fd.sysfd(), p)
	}
	return ignoringEINTRIO(rawWrite, fd.sysfd(), p)
}

// rawRead and rawWrite return what syscall.Read and syscall.Write return:
// -1 and the errno on failure.
func rawRead(fd int, p []byte) (int, error) {
	return rawIO(syscall.SYS_READ, fd, p)
}

func rawWrite(fd int, p []byte) (int, error) {
	return rawIO(syscall.SYS_WRITE, fd, p)
}

func rawIO(trap uintptr, fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := syscall.RawSyscall(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}
