//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package loop

import (
	"github.com/panjf2000/gnet/v2/pkg/netpoll"
	"golang.org/x/sys/unix"
)

// peerClosed reports whether an event says that the peer closed its side
// (EV_EOF), or that the descriptor failed.
func peerClosed(_ netpoll.IOEvent, flags netpoll.IOFlags) bool {
	return flags&(unix.EV_EOF|unix.EV_ERROR) != 0
}
