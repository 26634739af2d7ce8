//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package loop

import (
	"errors"

	"github.com/panjf2000/gnet/v2/pkg/netpoll"
)

// nestedPoll is Linux-only (nested_linux.go): on the BSDs the reactor runs
// gnet's Polling, blocking its thread in kevent.
type nestedPoll struct{}

func openNested(*netpoll.Poller) (*nestedPoll, error) {
	return nil, errors.New("evshim/loop: no nested poller on this platform")
}

func (*nestedPoll) post(func()) error { return nil }
func (*nestedPoll) close()            {}
func (*nestedPoll) add(int) error     { return nil }
func (r *reactor) runNested()         {}
