//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"testing"

	"golang.org/x/sys/unix"
)

type nopReadHandler struct{ calls int }

func (h *nopReadHandler) ReadReady(Events) { h.calls++ }

// TestDropReadHandler: once a descriptor's read handler is dropped, the
// pollDesc no longer refers to it (it would keep a dropped FD reachable
// from the reactor's table, see DropReadHandler), and readiness goes to
// readers again.
func TestDropReadHandler(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, b := registeredPair(t)
	h := &nopReadHandler{}
	if err := fd.OnReadable(h); err != nil {
		t.Fatal(err)
	}
	if err := fd.OnReadable(h); err != nil { // the same handler again: allowed
		t.Fatal(err)
	}
	fd.DropReadHandler()
	// A task posted after the drop runs after it, on the reactor.
	got := make(chan bool, 1)
	if err := fd.Post(func() { got <- fd.pd.rh == nil && fd.pd.readHandler() == nil }); err != nil {
		t.Fatal(err)
	}
	if !<-got {
		t.Fatal("the pollDesc still refers to the dropped handler")
	}
	go unix.Write(b, []byte("x"))
	buf := make([]byte, 1)
	if n, err := fd.Read(buf); n != 1 || err != nil {
		t.Fatalf("Read after DropReadHandler = %d, %v", n, err)
	}
}
