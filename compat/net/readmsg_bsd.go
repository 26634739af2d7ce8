//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package net

import "golang.org/x/sys/unix"

const readMsgFlags = 0

// setReadMsgCloseOnExec marks descriptors received in oob close-on-exec:
// these kernels have no MSG_CMSG_CLOEXEC everywhere, so the standard
// library does the same after the fact.
func setReadMsgCloseOnExec(oob []byte) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_SOCKET || m.Header.Type != unix.SCM_RIGHTS {
			continue
		}
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			unix.CloseOnExec(fd)
		}
	}
}
