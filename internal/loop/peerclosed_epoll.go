//go:build linux

package loop

import (
	"github.com/panjf2000/gnet/v2/pkg/netpoll"
	"golang.org/x/sys/unix"
)

// peerClosed reports whether an event says that the peer closed its side.
// gnet registers edge-triggered descriptors with EPOLLRDHUP, though its
// IsErrorEvent looks only at EPOLLERR and EPOLLHUP.
func peerClosed(ev netpoll.IOEvent, _ netpoll.IOFlags) bool {
	return ev&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0
}
