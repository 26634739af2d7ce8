//go:build linux

package loadgen

import (
	"context"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// defaultEngine is the epoll engine: it spends less CPU per request than
// the goroutine engine, and on a machine that the server shares that CPU
// is the server's (docs/loadgen.md).
const defaultEngine = EngineEpoll

var epollEngine engineFunc = runEpoll

// runEpoll is the epoll engine, wrk's design: a few OS threads, each
// locked to its goroutine and owning one epoll instance and its share of
// the connections, on non-blocking sockets. A thread writes the pre-built
// request, parses each response in place as its bytes arrive (parser),
// and records latencies into its own histogram, merged into g's shards at
// the end. Nothing is shared between threads on the hot path but the
// request count of a -n run (one atomic add per request).
//
// The Go scheduler is not involved once the threads run: a thread blocks
// in epoll_wait, not in the netpoller, so a response does not cost a
// goroutine wake-up and a context switch, which is where the goroutine
// engine lost to wrk at thousands of connections. Its system calls are raw
// (rawsys_linux.go), so each thread keeps its P throughout; that is why
// there are at most GOMAXPROCS threads, and why a server in the same
// process gets the CPU only when the runtime preempts them (every 10ms):
// in-process servers are for tests, or for the goroutine engine.
func runEpoll(g *Generator, runCtx context.Context, cancel context.CancelFunc, addr netip.AddrPort, sources []netip.AddrPort) time.Duration {
	n := g.threads()
	ts := make([]*evThread, n)
	cs := make([]*counters, n)
	rsa := encodeAddr(addr)
	base := time.Now()
	for i := range ts {
		ts[i] = &evThread{
			g: g, cancel: cancel, cnt: new(counters), hist: NewHistogram(),
			rsa: rsa, raddr: net.TCPAddrFromAddrPort(addr), base: base, timeout: int64(g.cfg.Timeout),
			buf: make([]byte, 64<<10), events: make([]unix.EpollEvent, 256),
		}
		cs[i] = ts[i].cnt
	}
	srcs := make([]rawAddr, len(sources))
	for i, s := range sources {
		srcs[i] = encodeAddr(s)
	}
	// Connection i belongs to thread i mod n and uses source address i mod
	// len(sources), as worker i of the goroutine engine does.
	for i := range g.cfg.Concurrency {
		t := ts[i%n]
		c := evConn{t: t, idx: int32(len(t.conns)), fd: -1}
		if len(sources) > 0 {
			c.laddr = srcs[i%len(sources)]
		}
		t.conns = append(t.conns, c)
	}
	start := g.begin(cs)
	if g.cfg.Duration > 0 {
		// The threads end a timed run themselves. Run's timer needs a P to
		// fire, and these threads hold theirs (rawsys_linux.go): the timer
		// would run only at the runtime's next preemption of one of them,
		// which on a contended CPU was seen to come 0.7 s late.
		end := int64(start.Sub(base) + g.cfg.Duration)
		for _, t := range ts {
			t.end = end
		}
	}
	var wg sync.WaitGroup
	for _, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.loop()
		}()
	}
	wg.Wait()
	// The run ends when its last thread stops making requests; closing
	// thousands of sockets after that is not part of it.
	var elapsed time.Duration
	for _, t := range ts {
		elapsed = max(elapsed, t.stopped.Sub(start))
	}
	for i, t := range ts {
		s := &g.shards[i%len(g.shards)]
		s.mu.Lock()
		s.h.Merge(t.hist)
		s.mu.Unlock()
	}
	return elapsed
}

// evThread is one thread of the epoll engine. Everything in it but cnt is
// owned by the goroutine running loop, which is locked to its OS thread.
type evThread struct {
	g      *Generator         // immutable
	cancel context.CancelFunc // ends the run; for g.fail
	cnt    *counters          // written here, read by Progress
	hist   *Histogram         // every latency of this thread's responses
	rsa    rawAddr            // the target; immutable
	raddr  *net.TCPAddr       // the target, for errors; immutable
	base   time.Time          // the origin of now; immutable
	// timeout is Config.Timeout in nanoseconds; immutable.
	timeout int64
	// end is when a timed run ends (t.now), 0 for none; set before loop.
	end int64
	// stopped is when loop stopped making requests, before it closed the
	// connections.
	stopped time.Time

	epfd   int
	conns  []evConn // this thread's connections; the slice never grows once loop runs
	active int      // connections not yet retired
	runq   []*evConn
	spare  []*evConn // runq's other buffer
	buf    []byte    // the read buffer of every connection: a read is parsed before the next one
	events []unix.EpollEvent
}

// now is the monotonic time in nanoseconds since the run's setup.
func (t *evThread) now() int64 { return int64(time.Since(t.base)) }

// maxWait bounds epoll_wait so that a stopped run (canceled, timed up or
// failed on another thread) is noticed within it.
const maxWait = 10 // milliseconds

func (t *evThread) loop() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.g.fail(os.NewSyscallError("epoll_create1", err), t.cancel)
		t.stopped = time.Now()
		return
	}
	t.epfd = epfd
	defer rawClose(epfd)
	defer func() {
		t.stopped = time.Now()
		t.closeAll()
	}()

	t.active = len(t.conns)
	for i := range t.conns {
		t.runq = append(t.runq, &t.conns[i])
	}
	// Deadlines are checked by a scan of the connections, often enough
	// that a timeout fires at most an eighth of it late.
	scanEvery := min(max(t.timeout/8, int64(time.Millisecond)), int64(100*time.Millisecond))
	nextScan := t.now() + scanEvery
	for t.active > 0 && !t.g.stop.Load() {
		now := t.now()
		if t.end > 0 && now >= t.end {
			break
		}
		next := nextScan
		if t.end > 0 {
			next = min(next, t.end)
		}
		const ms = int64(time.Millisecond)
		wait := int(min((max(next-now, 0)+ms-1)/ms, maxWait))
		if len(t.runq) > 0 {
			// Requests to start (and restart after an error, so that a
			// failing connection cannot monopolize the thread) go first;
			// then a poll without waiting.
			q := t.runq
			t.runq = t.spare[:0]
			for _, c := range q {
				c.begin()
			}
			t.spare = q[:0]
			wait = 0
		}
		n, err := rawEpollWait(t.epfd, t.events, wait)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			t.g.fail(os.NewSyscallError("epoll_wait", err), t.cancel)
			return
		}
		for _, ev := range t.events[:n] {
			c := &t.conns[ev.Fd]
			if uint32(ev.Pad) == c.gen {
				c.ready(ev.Events)
			}
		}
		if now := t.now(); now >= nextScan {
			t.expire(now)
			nextScan = now + scanEvery
		}
	}
}

// expire fails the requests whose deadline has passed.
func (t *evThread) expire(now int64) {
	for i := range t.conns {
		c := &t.conns[i]
		if (c.state == writing || c.state == reading) && now >= c.deadline {
			op := "read"
			if c.dialing {
				op = "dial"
			}
			c.failed(&net.OpError{Op: op, Net: "tcp", Addr: t.raddr, Err: os.ErrDeadlineExceeded})
		}
	}
}

// closeAll closes every connection: requests still in flight when the run
// stops are abandoned, as in the goroutine engine.
func (t *evThread) closeAll() {
	for i := range t.conns {
		t.conns[i].close()
	}
}

// connState is where an evConn is in its request.
type connState uint8

const (
	idle    connState = iota // between requests
	writing                  // the request is not all written (or the connect not done)
	reading                  // waiting for the response's bytes
	retired                  // no more requests: the run's count is reached or it stopped
)

// evConn is one connection slot of an evThread, owned by its thread.
type evConn struct {
	t     *evThread
	idx   int32   // index in t.conns, the epoll event's data
	laddr rawAddr // source address, port 0; nil p for the kernel's choice

	fd      int    // -1 when closed
	gen     uint32 // counts the fds this slot has had, so that an event of an earlier one is ignored
	state   connState
	dialing bool // the connect is not confirmed: no write has gone through yet
	start   int64
	// deadline is when the request in flight fails as a timeout (t.now).
	deadline int64
	wrote    int // bytes of the request written
	p        parser
	rest     []byte // bytes read past the last response: the start of the next one
}

// begin starts the next request, dialing first when the slot has no
// connection, or retires the slot when there is none to make.
func (c *evConn) begin() {
	t := c.t
	if t.g.stop.Load() || !t.g.claim() {
		c.retire()
		return
	}
	c.start = t.now()
	c.deadline = c.start + t.timeout
	c.p.reset(t.g.head)
	c.wrote = 0
	c.state = writing
	if c.fd < 0 {
		if err := c.dial(); err != nil {
			c.failed(err)
			return
		}
	}
	c.write()
}

// dial opens a non-blocking socket and starts its connect. The connect's
// outcome shows in the first write: on loopback the handshake is usually
// done by the time connect returns EINPROGRESS, so the request goes out
// without waiting for EPOLLOUT; a refused connect makes that write fail
// with ECONNREFUSED.
//
// TCP_NODELAY is not set: Nagle's algorithm only holds back data while
// earlier data is unacknowledged, and each request is written after the
// whole previous response has arrived.
func (c *evConn) dial() error {
	t := c.t
	domain := unix.AF_INET
	if t.rsa.len == unix.SizeofSockaddrInet6 {
		domain = unix.AF_INET6
	}
	fd, err := rawSocket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return c.dialError("socket", err)
	}
	if c.laddr.p != nil {
		// As bindNoPort: the port is picked at connect time, unique per
		// 4-tuple. A kernel without the option still works, with fewer ports.
		_ = rawSetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
		if err := rawBind(fd, c.laddr); err != nil {
			rawClose(fd)
			return c.dialError("bind", err)
		}
	}
	if err := rawConnect(fd, t.rsa); err != nil && err != unix.EINPROGRESS {
		rawClose(fd)
		return c.dialError("connect", err)
	}
	c.gen++
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: c.idx, Pad: int32(c.gen)}
	if err := rawEpollCtl(t.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		rawClose(fd)
		return c.dialError("epoll_ctl", err)
	}
	c.fd = fd
	c.dialing = true
	t.cnt.open.Add(1)
	return nil
}

// dialError is a dial failure as net.Dialer reports it.
func (c *evConn) dialError(call string, errno error) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: c.t.raddr, Err: os.NewSyscallError(call, errno)}
}

// ioError is a failed read or write, or the connect's failure that the
// first write reports.
func (c *evConn) ioError(op string, errno error) error {
	if c.dialing {
		return c.dialError("connect", errno)
	}
	return &net.OpError{Op: op, Net: "tcp", Addr: c.t.raddr, Err: os.NewSyscallError(op, errno)}
}

// ready handles the epoll events of c's connection. The registration is
// edge-triggered: an event comes when the socket's state changes (data
// arrives, the connect completes, buffer space frees up), and whatever it
// announced must be consumed until EAGAIN, or to the end of a response.
func (c *evConn) ready(events uint32) {
	const readable = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLHUP | unix.EPOLLERR
	switch c.state {
	case writing:
		if events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) == 0 {
			return
		}
		c.write()
		// A server may answer before it has read the whole request.
		if c.state == reading && events&readable != 0 {
			c.read(events&(unix.EPOLLRDHUP|unix.EPOLLHUP) != 0)
		}
	case reading:
		if events&readable != 0 {
			c.read(events&(unix.EPOLLRDHUP|unix.EPOLLHUP) != 0)
		}
	}
}

// write writes what is left of the request; EAGAIN waits for EPOLLOUT.
func (c *evConn) write() {
	req := c.t.g.req
	for c.wrote < len(req) {
		n, err := rawWrite(c.fd, req[c.wrote:])
		switch err {
		case nil:
			c.wrote += n
		case unix.EAGAIN:
			return
		case unix.EINTR:
		default:
			c.failed(c.ioError("write", err))
			return
		}
	}
	c.dialing = false
	c.state = reading
	if len(c.rest) > 0 {
		rest := c.rest
		c.rest = nil
		c.consume(rest)
	}
}

// read reads until EAGAIN or the end of the response. A read that does not
// fill the buffer has emptied the socket, so with edge-triggered events
// the next bytes bring a new event and no read is spent on EAGAIN. The
// exception is hup: the peer's FIN (or an error) came with the data this
// event announced, and will bring no event of its own, so the reads go on
// until they see it.
func (c *evConn) read(hup bool) {
	t := c.t
	for {
		n, err := rawRead(c.fd, t.buf)
		switch err {
		case nil:
		case unix.EAGAIN:
			return
		case unix.EINTR:
			continue
		default:
			c.failed(c.ioError("read", err))
			return
		}
		t.cnt.bytes.Add(int64(n))
		if n == 0 {
			done, err := c.p.eof()
			if err != nil {
				c.failed(err)
				return
			}
			if done {
				c.p.r.reuse = false
				c.complete()
			}
			return
		}
		if !c.consume(t.buf[:n]) || (n < len(t.buf) && !hup) {
			return
		}
	}
}

// consume parses b and reports whether the response wants more bytes.
// When b completes the response, it goes on to the next request.
func (c *evConn) consume(b []byte) (more bool) {
	n, done, err := c.p.feed(b)
	if err != nil {
		c.failed(err)
		return false
	}
	if !done {
		return true
	}
	if n < len(b) && c.p.r.reuse && c.t.g.cfg.KeepAlive {
		// Bytes the server sent beyond the response: the goroutine engine
		// would parse them as the next response, and so does this one.
		c.rest = append(c.rest, b[n:]...)
	}
	c.complete()
	return false
}

// complete records the response and starts the next request.
func (c *evConn) complete() {
	t := c.t
	t.hist.Record(t.now() - c.start)
	t.cnt.count(c.p.r.status)
	if !c.p.r.reuse || !t.g.cfg.KeepAlive {
		c.close()
	}
	c.state = idle
	c.begin()
}

// failed counts a failed request and queues the next one, or ends the run
// without ContinueOnError. A request that fails after the run stopped is
// abandoned, not counted.
func (c *evConn) failed(err error) {
	t := c.t
	c.close()
	c.state = idle
	if t.g.stop.Load() {
		c.retire()
		return
	}
	t.cnt.errs[Classify(err)].Add(1)
	if !t.g.cfg.ContinueOnError {
		t.g.fail(err, t.cancel)
		c.retire()
		return
	}
	t.runq = append(t.runq, c)
}

// retire ends the slot's requests.
func (c *evConn) retire() {
	if c.state == retired {
		return
	}
	c.close()
	c.state = retired
	c.t.active--
}

// close closes the slot's connection, if any, and drops what was read past
// its last response. Closing the fd removes it from the epoll instance.
func (c *evConn) close() {
	if c.fd < 0 {
		return
	}
	rawClose(c.fd)
	c.fd = -1
	c.rest = c.rest[:0]
	c.t.cnt.open.Add(-1)
}
