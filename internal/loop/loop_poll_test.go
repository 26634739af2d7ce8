//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2/pkg/logging"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

// TestMain checks that no goroutine is left, the loop's included: an
// unused loop stops by itself.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// withLoop runs the test on a fresh default loop configured with cfg.
// Unless cfg says otherwise, the loop does not stop when idle, so that a
// test can look at it between uses.
func withLoop(t *testing.T, cfg Config) *Loop {
	t.Helper()
	if !Available() {
		t.Skip("no loop on this platform")
	}
	Shutdown()
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = -1
	}
	Configure(cfg)
	t.Cleanup(func() { Shutdown(); Configure(Config{}) })
	return Default()
}

func TestLazyStartStopRestart(t *testing.T) {
	withLoop(t, Config{Reactors: 2})
	Shutdown()
	if Running() != nil {
		t.Fatal("Running after Shutdown")
	}
	if s := CurrentStats(); s.Loops != 0 {
		t.Fatalf("stats after Shutdown report %d loops", s.Loops)
	}
	lp := Default()
	if lp == nil || lp.Reactors() != 2 {
		t.Fatalf("restart: got %v", lp)
	}
	if s := lp.Stats(); s.Loops != 2 {
		t.Fatalf("Stats().Loops = %d, want 2", s.Loops)
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	withLoop(t, Config{})
	Shutdown()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); Default() }()
	}
	wg.Wait()
	if n := len(*defaultLoop.live.Load()); n != 1 {
		t.Fatalf("concurrent first calls started %d loops, want 1", n)
	}
}

func TestPostOrderAndInLoop(t *testing.T) {
	lp := withLoop(t, Config{Reactors: 1})
	if InLoop() {
		t.Fatal("InLoop true on a test goroutine")
	}
	var got []int
	inLoop := make(chan bool, 1)
	done := make(chan struct{})
	for i := 0; i < 100; i++ {
		if err := lp.Post(func() { got = append(got, i) }); err != nil {
			t.Fatal(err)
		}
	}
	lp.Post(func() { inLoop <- InLoop(); close(done) })
	<-done
	if !<-inLoop {
		t.Error("InLoop false inside a posted func")
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("posted funcs ran out of order: %v", got)
		}
	}
	// The last task is counted after its func returns, which may be after
	// done is closed; the first 100 are counted by then.
	if s := lp.Stats(); s.Tasks < 100 || s.Callbacks < 100 {
		t.Errorf("Tasks = %d, Callbacks = %d; want >= 100", s.Tasks, s.Callbacks)
	}
}

// TestPostAfterShutdown: the Loop handle outlives a Shutdown; a Post
// starts the loop again and runs on it.
func TestPostAfterShutdown(t *testing.T) {
	lp := withLoop(t, Config{})
	Shutdown()
	ran := make(chan bool, 1)
	if err := lp.Post(func() { ran <- InLoop() }); err != nil {
		t.Fatalf("Post after Shutdown: %v", err)
	}
	if !<-ran {
		t.Error("the func posted after Shutdown did not run on the loop")
	}
	if Running() == nil {
		t.Error("Post after Shutdown did not start the loop")
	}
}

func TestAfterFuncAndStop(t *testing.T) {
	lp := withLoop(t, Config{Reactors: 1})
	before := lp.Stats() // counters add up every run of the loop
	fired := make(chan bool, 1)
	lp.AfterFunc(time.Millisecond, func() { fired <- InLoop() })
	if !<-fired {
		t.Error("timer func did not run on the loop")
	}
	stopped := lp.AfterFunc(time.Hour, func() { t.Error("stopped timer ran") })
	if !stopped.Stop() {
		t.Error("Stop of a pending timer reported false")
	}
	if stopped.Stop() {
		t.Error("second Stop reported true")
	}
	if n := lp.Stats().Timers - before.Timers; n != 1 {
		t.Errorf("Timers grew by %d, want 1", n)
	}
}

func TestWatchdogReportsStall(t *testing.T) {
	stalls := make(chan Stall, 1)
	lp := withLoop(t, Config{Reactors: 1, StallLimit: 20 * time.Millisecond, OnStall: func(s Stall) {
		select {
		case stalls <- s:
		default:
		}
	}})
	release := make(chan struct{})
	lp.Post(func() { <-release }) // deliberately blocks the loop
	s := <-stalls
	close(release)
	if s.Reactor != 0 || s.Duration < 20*time.Millisecond {
		t.Errorf("stall report %+v", s)
	}
	if !strings.Contains(string(s.Stack), "TestWatchdogReportsStall") {
		t.Errorf("stall stack does not show the blocking callback:\n%s", s.Stack)
	}
	done := make(chan struct{})
	lp.Post(func() { close(done) })
	<-done
	if st := lp.Stats(); st.Stalls < 1 || st.LongestCallback < 20*time.Millisecond {
		t.Errorf("Stalls = %d, LongestCallback = %v", st.Stalls, st.LongestCallback)
	}
}

// socketpair returns two connected non-blocking stream sockets.
func socketpair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	return fds[0], fds[1]
}

// registeredPair returns one end of a socketpair registered on the loop
// and the other end's descriptor; the test's end closes both.
func registeredPair(t *testing.T) (*FD, int) {
	t.Helper()
	a, b := socketpair(t)
	t.Cleanup(func() { unix.Close(b) })
	fd, err := Register(a, true, Adopted)
	if err != nil {
		unix.Close(a)
		t.Fatal(err)
	}
	t.Cleanup(func() { fd.Close() })
	return fd, b
}

func TestFDReadWakesOnData(t *testing.T) {
	lp := withLoop(t, Config{Reactors: 1})
	fd, b := registeredPair(t)
	before := lp.Stats() // counters add up every run of the loop
	go func() {
		time.Sleep(10 * time.Millisecond)
		unix.Write(b, []byte("hi"))
	}()
	buf := make([]byte, 8)
	n, err := fd.Read(buf)
	if err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	// The reactor counts a wake-up right after the send that woke the
	// reader, so the reader may see the stats before it does.
	deadline := time.Now().Add(10 * time.Second)
	for lp.Stats().Wakeups == before.Wakeups && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	s := lp.Stats()
	if s.Parks == before.Parks || s.Wakeups == before.Wakeups || s.Events == before.Events || s.BytesIn-before.BytesIn != 2 {
		t.Errorf("stats after a parked read: %+v (before: %+v)", s, before)
	}
}

func TestFDDeadlineAndClose(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, _ := registeredPair(t)
	a := fd.sysfd()
	fd.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := fd.Read(make([]byte, 1)); err != os.ErrDeadlineExceeded {
		t.Fatalf("Read past deadline = %v", err)
	}
	fd.SetReadDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() { _, err := fd.Read(make([]byte, 1)); errc <- err }()
	time.Sleep(10 * time.Millisecond)
	if err := fd.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != net.ErrClosed {
		t.Fatalf("Read during Close = %v, want net.ErrClosed", err)
	}
	if err := fd.Close(); err != net.ErrClosed {
		t.Fatalf("second Close = %v", err)
	}
	// The descriptor is closed: its number is free again.
	if _, err := unix.FcntlInt(uintptr(a), unix.F_GETFD, 0); err != syscall.EBADF {
		t.Errorf("fd %d still open after Close (err %v)", a, err)
	}
}

func TestShutdownWakesWaiters(t *testing.T) {
	withLoop(t, Config{Reactors: 1})
	fd, _ := registeredPair(t)
	errc := make(chan error, 1)
	go func() { _, err := fd.Read(make([]byte, 1)); errc <- err }()
	time.Sleep(10 * time.Millisecond)
	Shutdown()
	if err := <-errc; err != net.ErrClosed {
		t.Fatalf("Read across Shutdown = %v, want net.ErrClosed", err)
	}
}

// TestPostDuringShutdown: every Post either runs or reports an error; none
// is dropped silently (a Stop in compat/signal waits on such a task).
func TestPostDuringShutdown(t *testing.T) {
	for i := 0; i < 20; i++ {
		lp := withLoop(t, Config{Reactors: 1})
		var ran, refused sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		stop := make(chan struct{})
		ran.Add(1)
		go func() {
			defer ran.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ran.Add(1)
				if lp.Post(func() { ran.Done() }) == nil {
					mu.Lock()
					accepted++
					mu.Unlock()
				} else {
					ran.Done()
				}
			}
		}()
		time.Sleep(time.Millisecond)
		Shutdown()
		close(stop)
		done := make(chan struct{})
		go func() { ran.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("an accepted Post never ran (%d accepted)", accepted)
		}
		refused.Wait()
	}
}

// TestGnetLogOffStdout: gnet's global logger, whose default writes to
// stdout, is ours once the loop runs.
func TestGnetLogOffStdout(t *testing.T) {
	withLoop(t, Config{})
	if _, ok := logging.GetDefaultLogger().(gnetLogger); !ok {
		t.Errorf("gnet's logger is %T, want the loop's", logging.GetDefaultLogger())
	}
}

// syncWriter is a buffer safe for the reporter goroutine and the test.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestReporter(t *testing.T) {
	var out syncWriter
	withLoop(t, Config{Reactors: 1, StatsEvery: 5 * time.Millisecond, DumpSignal: syscall.SIGUSR1, Report: &out})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "evshim: stats loops=1 ") {
		if time.Now().After(deadline) {
			t.Fatalf("no periodic stats line; got %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	for !strings.Contains(out.String(), "evshim: reactor 0 busy=") {
		if time.Now().After(deadline) {
			t.Fatalf("no dump on SIGUSR1; got %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
}
