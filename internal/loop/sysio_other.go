//go:build (darwin || dragonfly || freebsd || linux || netbsd || openbsd) && !(linux && !race && !msan && !asan)

package loop

import "syscall"

// sysRead and sysWrite are the data path's read(2) and write(2): here the
// scheduler-aware ones (sysio_raw.go says when they are not).
func (fd *FD) sysRead(p []byte) (int, error) {
	return ignoringEINTRIO(syscall.Read, fd.sysfd(), p)
}

func (fd *FD) sysWrite(p []byte) (int, error) {
	return ignoringEINTRIO(syscall.Write, fd.sysfd(), p)
}
