//go:build darwin || netbsd || openbsd

package loop

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// accept: Darwin (and x/sys for NetBSD and OpenBSD) has no accept4, so the flags are set after the call,
// under ForkLock so that no fork inherits the descriptor in between.
func accept(s int) (int, unix.Sockaddr, string, error) {
	syscall.ForkLock.RLock()
	ns, sa, err := unix.Accept(s)
	if err == nil {
		unix.CloseOnExec(ns)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, nil, "accept", err
	}
	if err := unix.SetNonblock(ns, true); err != nil {
		unix.Close(ns)
		return -1, nil, "setnonblock", err
	}
	return ns, sa, "", nil
}
