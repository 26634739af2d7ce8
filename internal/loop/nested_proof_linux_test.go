package loop

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestNestedProofFailsClosed: the proof that a descriptor read by
// reflection is the poller's epoll instance rejects another epoll
// instance, and takes none of its events while doing so (issue 13, gnet's
// Poller.fd).
func TestNestedProofFailsClosed(t *testing.T) {
	foreign, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(foreign)
	a, b := socketpair(t)
	defer unix.Close(a)
	defer unix.Close(b)
	if err := unix.EpollCtl(foreign, unix.EPOLL_CTL_ADD, a, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(a)}); err != nil {
		t.Fatal(err)
	}
	unix.Write(b, []byte("x")) // an edge-triggered event pending on foreign
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(wakefd)
	for _, bad := range []struct {
		name string
		fd   int
	}{{"foreign-epoll", foreign}, {"socket", a}, {"eventfd", wakefd}, {"closed", 1 << 20}} {
		if holds(bad.fd, wakefd) {
			t.Errorf("holds(%s, eventfd) = true", bad.name)
		}
	}
	// A descriptor number that is in foreign, but as another file.
	if holds(foreign, a) != true {
		t.Error("holds(foreign, a) = false for a registered descriptor")
	}
	events := make([]unix.EpollEvent, 4)
	if k, err := unix.EpollWait(foreign, events, 0); err != nil || k != 1 || int(events[0].Fd) != a {
		t.Fatalf("the foreign instance's event after the proofs: k=%d err=%v", k, err)
	}
}

// TestReactorProofUsesPoller: the reactors of a started loop passed the
// proof with gnet's real poller (unless told to use gnet's Polling).
func TestReactorProofUsesPoller(t *testing.T) {
	lp := withLoop(t, Config{Reactors: 1})
	r := lp.cur.Load().reactors[0]
	if r.nest == nil {
		t.Skip("the reactor runs gnet's Polling (EVSHIM_REACTOR=gnet)")
	}
	if !holds(r.nest.epfd, r.nest.wakefd) {
		t.Fatal("the reactor's epoll does not hold its own eventfd")
	}
}

// holdTaskQueue takes the reactor's posted-task queue lock, as a posting
// goroutine does, and returns the func that lets go; nil where the reactor
// runs gnet's Polling, whose queue is lock-free.
func holdTaskQueue(r *reactor) func() {
	if r.nest == nil {
		return nil
	}
	r.nest.mu.Lock()
	return r.nest.mu.Unlock
}
