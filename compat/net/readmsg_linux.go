package net

import "golang.org/x/sys/unix"

// readMsgFlags makes the kernel set close-on-exec on descriptors received
// with ReadMsgUnix, atomically, as the standard library does on Linux.
const readMsgFlags = unix.MSG_CMSG_CLOEXEC

func setReadMsgCloseOnExec(oob []byte) {}
