//go:build go1.26

package shimtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	chttp "github.com/evshim/evshim/compat/http"
)

// The HTTP differential harness: one diffCase (server options and the raw
// client actions) runs once against each of two implementations, and
// everything observable is collected into a diffObs that must be equal
// between them. The harness does not use testing.T, so that a worker pool
// can run many cases at once (most of a case's time is spent sleeping),
// and the test reports each case as its own sub-test afterwards.
//
// Observed per case: the bytes the client received (Date blanked, HTTP/2
// frames normalized by h2Normal), how the connection ended (EOF, RST, or
// still open once quiet) and its state at each check step, ConnState per
// connection, what each handler saw (method, target, headers, Host, body
// and its read error, trailers, context at and after return, and the
// results of Hijack, Flush, writes), the ErrorLog lines, and the results
// of Shutdown, Close and Serve.
//
// Run: go test -race -run HTTPDiff ./shimtest. The harness's own
// determinism check compares net/http with itself:
// go test -race -run TestHTTPDiff ./shimtest -args -httpdiff.self
// A divergence is rerun up to twice (a loaded machine can delay either
// server); a stress run fails on the first one instead:
// go test -race -run 'TestHTTPDiff$' -count=50 ./shimtest -args
// -httpdiff.reruns=0 -httpdiff.case=REGEXP
//
// Timing: a step meant to come "later" follows caughtUp, and the end of
// a case waits for the server to visibly take up the last write, so that
// what a case observes is the server's verdict, not the scheduler's.

// diffServer is a case's server configuration. Both implementations get
// the same explicit values; withDefaults fills what compat/http would
// otherwise default differently (see acceptedDiverge).
type diffServer struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	H2C               bool // Protocols: HTTP/1 and unencrypted HTTP/2
	KeepAlivesOff     bool // SetKeepAlivesEnabled(false) before serving
}

// withDefaults gives a zero timeout the explicit value 5 s unless
// ReadTimeout, from which net/http and compat/http derive the other two
// alike, is set. 5 s is longer than any case waits.
func (o diffServer) withDefaults() diffServer {
	if o.ReadTimeout == 0 {
		if o.ReadHeaderTimeout == 0 {
			o.ReadHeaderTimeout = 5 * time.Second
		}
		if o.IdleTimeout == 0 {
			o.IdleTimeout = 5 * time.Second
		}
	}
	return o
}

type stepKind int

const (
	stepWrite      stepKind = iota // write data (TCP_NODELAY: a segment per write)
	stepSleep                      // sleep d
	stepCloseWrite                 // half-close the client side
	stepCheck                      // wait up to d for the end; record "open" or how it ended
	stepShutdown                   // start Shutdown with a context of timeout d
	stepClose                      // Server.Close
	stepKeepAlive                  // SetKeepAlivesEnabled(false) now
	stepWaitIn                     // wait until a /block handler is running
	stepRelease                    // let /block handlers return
	stepDial                       // close the client connection and dial a new one
	stepCaughtUp                   // wait up to d until the server has caught up (see caughtUp)
)

// step is one client or server action of a case.
type step struct {
	kind stepKind
	data string
	d    time.Duration
}

func wr(s string) step                                { return step{kind: stepWrite, data: s} }
func pause(d time.Duration) step                      { return step{kind: stepSleep, d: d} }
func halfClose() step                                 { return step{kind: stepCloseWrite} }
func check(d time.Duration) step                      { return step{kind: stepCheck, d: d} }
func shutdown(d time.Duration) step                   { return step{kind: stepShutdown, d: d} }
func closeServer() step                               { return step{kind: stepClose} }
func keepAlivesOff() step                             { return step{kind: stepKeepAlive} }
func waitInHandler() step                             { return step{kind: stepWaitIn} }
func releaseHandler() step                            { return step{kind: stepRelease} }
func redial() step                                    { return step{kind: stepDial} }
func writes(parts ...string) []step                   { return splitSteps(parts, time.Millisecond) }
func writesD(d time.Duration, parts ...string) []step { return splitSteps(parts, d) }

// caughtUp waits, up to a second, until the server has read every byte
// sent, runs no handler, and has no request in flight (no connection
// whose last ConnState is active). A pause alone says "later" only on an
// idle machine: under load either server can still be reading or
// answering what came before, and then what follows lands in the middle
// (a write into a connection the server is about to close turns its FIN
// into a reset; Shutdown meets bytes still in the kernel, and a close
// with unread bytes resets). Both servers are waited for alike, so the
// case observes their verdict, not the scheduler's.
func caughtUp() step { return step{kind: stepCaughtUp, d: time.Second} }

// splitSteps writes parts as separate segments with d between them.
func splitSteps(parts []string, d time.Duration) []step {
	var ss []step
	for i, p := range parts {
		if i > 0 {
			ss = append(ss, pause(d))
		}
		ss = append(ss, wr(p))
	}
	return ss
}

// diffCase is one differential case.
type diffCase struct {
	name   string
	srv    diffServer
	steps  []step
	settle time.Duration // how long the end of the steps waits for the connection to end; 0: 400 ms (quiet: no byte and no handler running)
	long   bool          // trimmed by -short
}

// handlerObs is what one handler invocation saw and did.
type handlerObs struct {
	Method, URI, Proto, Host string
	Header                   []string
	ContentLength            int64
	TransferEncoding         []string
	Close                    bool
	Body                     string // length and a quoted prefix
	BodyErr                  string
	Trailer                  []string
	Notes                    []string // path-specific results (hijack, deadlines, writes)
	CtxErr                   string   // the request context's cause when the handler returned
	CtxAfter                 string   // whether the context was canceled after the handler returned
}

// diffObs is everything a case observed of one implementation.
type diffObs struct {
	Bytes   string   // all bytes the client received, Date headers blanked
	End     string   // how the last connection ended: EOF, RST, open (after the settle time)
	Checks  []string // the connection's state at each check step
	States  []string // ConnState transitions, per connection in order of appearance
	Handler []handlerObs
	Log     []string // ErrorLog lines, ports blanked
	Server  []string // results of Shutdown, Close and Serve
}

// diffRun is the live state of one case against one implementation.
type diffRun struct {
	mu       sync.Mutex
	obs      []*handlerObs // guarded by mu, as are the fields of its elements
	started  chan struct{} // a /block handler is running
	release  chan struct{} // closed by stepRelease or at the end
	relOnce  sync.Once
	handlers sync.WaitGroup // handlers and their context watchers
	active   atomic.Int32   // handlers running
	states   connStates
	log      syncBuffer
}

func (r *diffRun) note(ob *handlerObs, format string, args ...any) {
	r.mu.Lock()
	ob.Notes = append(ob.Notes, noPort(fmt.Sprintf(format, args...)))
	r.mu.Unlock()
}

// busy reports whether a handler is running.
func (r *diffRun) busy() bool { return r.active.Load() > 0 }

// pending reports whether the server is still at work on what cc sent: a
// handler runs, a request is in flight, or bytes wait unread.
func (r *diffRun) pending(cc *clientConn) bool {
	return r.busy() || r.states.inFlight() || cc.serverUnread() > 0
}

// starting is pending for the end of a case: bytes unread count only
// while the server has not begun on the connection (no ConnState past
// new for dials connections), since a server may leave bytes unread for
// good (net/http's HTTP/2 server does, behind a frame), and waiting on
// them would stretch one server's observation window and not the
// other's.
func (r *diffRun) starting(cc *clientConn, dials int) bool {
	return r.busy() || r.states.inFlight() || r.states.begun() < dials && cc.serverUnread() > 0
}

func (r *diffRun) letGo() { r.relOnce.Do(func() { close(r.release) }) }

// diffHandler is the one handler every case uses; the request path picks
// what it does, so a raw request chooses its own handler behavior.
func (r *diffRun) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.handlers.Add(1)
	defer r.handlers.Done()
	r.active.Add(1)
	defer r.active.Add(-1)
	ctx := req.Context()
	ob := &handlerObs{Method: req.Method, URI: req.RequestURI, Proto: req.Proto, Host: req.Host,
		ContentLength: req.ContentLength, TransferEncoding: req.TransferEncoding, Close: req.Close}
	for k, vs := range req.Header {
		for _, v := range vs {
			ob.Header = append(ob.Header, k+": "+v)
		}
	}
	sort.Strings(ob.Header)
	r.mu.Lock()
	if !r.states.countOnly { // the heap measurement must not hold them
		r.obs = append(r.obs, ob)
	}
	r.mu.Unlock()
	defer func() {
		// Watch the context after the handler returns: both servers must
		// cancel it then.
		r.handlers.Add(1)
		go func() {
			defer r.handlers.Done()
			res := "canceled"
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
				res = "not canceled"
			}
			r.mu.Lock()
			ob.CtxAfter = res
			r.mu.Unlock()
		}()
	}()

	var body []byte
	var berr error
	readBody := func(n int) {
		if n < 0 {
			body, berr = io.ReadAll(req.Body)
			return
		}
		body = make([]byte, n)
		n, berr = io.ReadFull(req.Body, body)
		body = body[:n]
	}
	// answered: the handler hijacked or wrote its whole answer itself, so
	// the closing "read N" line is not written.
	answered := false
	switch req.URL.Path {
	case "/unread": // leave the body for the server
	case "/half":
		readBody(3)
	case "/max":
		req.Body = http.MaxBytesReader(w, req.Body, 8)
		readBody(-1)
	case "/hijack":
		readBody(2)
		conn, brw, err := w.(http.Hijacker).Hijack()
		r.note(ob, "hijack: %v", err)
		if err == nil {
			answered = true
			// What the server had read ahead stays readable from brw.
			conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			rest, rerr := io.ReadAll(brw)
			r.note(ob, "after hijack read %q %v", rest, errors.Is(rerr, errors.ErrUnsupported) || rerr == nil || isTimeout(rerr))
			fmt.Fprintf(conn, "HIJACKED %d\n", len(rest))
			conn.Close()
		}
	case "/hijack2":
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 2; i++ {
			func() {
				defer func() {
					if p := recover(); p != nil {
						r.note(ob, "hijack %d panicked", i)
					}
				}()
				conn, _, err := w.(http.Hijacker).Hijack()
				r.note(ob, "hijack %d: %v", i, err)
				if err == nil {
					answered = true
					fmt.Fprintf(conn, "HIJACKED\n")
					conn.Close()
				}
			}()
		}
	case "/block":
		select {
		case r.started <- struct{}{}:
		default:
		}
		select {
		case <-r.release:
			r.note(ob, "released")
		case <-ctx.Done():
			r.note(ob, "context done: %v", context.Cause(ctx))
		case <-time.After(3 * time.Second):
			r.note(ob, "not released")
		}
	case "/ctx":
		select {
		case <-ctx.Done():
			r.note(ob, "context done: %v", context.Cause(ctx))
		case <-time.After(400 * time.Millisecond):
			r.note(ob, "context alive")
		}
	case "/slow":
		readBody(-1)
		time.Sleep(250 * time.Millisecond)
		_, err := io.WriteString(w, strings.Repeat("s", 8<<10))
		r.note(ob, "write: %v", err)
		r.note(ob, "flush: %v", http.NewResponseController(w).Flush())
	case "/deadline":
		err := http.NewResponseController(w).SetReadDeadline(time.Now())
		r.note(ob, "set read deadline: %v", err)
		readBody(-1)
		time.Sleep(20 * time.Millisecond)
		r.note(ob, "context: %v", ctx.Err())
	case "/flush":
		io.WriteString(w, "first\n")
		r.note(ob, "flush: %v", http.NewResponseController(w).Flush())
		readBody(-1)
	case "/duplex":
		// Answer each line of the body as it arrives.
		rc := http.NewResponseController(w)
		r.note(ob, "full duplex: %v", rc.EnableFullDuplex())
		buf := make([]byte, 4)
		for {
			n, err := io.ReadFull(req.Body, buf)
			body = append(body, buf[:n]...)
			if n > 0 {
				fmt.Fprintf(w, "got %q\n", buf[:n])
				r.note(ob, "flush: %v", rc.Flush())
			}
			if err != nil {
				if err != io.EOF {
					berr = err
				}
				break
			}
		}
	case "/early":
		w.Header().Set("Link", "</s.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
	case "/nocontent":
		w.WriteHeader(http.StatusNoContent)
		_, err := io.WriteString(w, "body")
		r.note(ob, "write: %v", err)
	case "/bigresp":
		_, err := io.WriteString(w, strings.Repeat("r", 300<<10))
		r.note(ob, "write: %v", err)
	case "/trailer":
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "part\n")
		w.Header().Set("X-Sum", "42")
		w.Header().Set(http.TrailerPrefix+"X-Late", "1")
	case "/badlen":
		w.Header().Set("Content-Length", "3")
		_, err := io.WriteString(w, "toolong")
		r.note(ob, "write: %v", err)
		answered = true
	case "/twice":
		w.WriteHeader(http.StatusAccepted)
		w.WriteHeader(http.StatusTeapot)
	case "/close":
		w.Header().Set("Connection", "close")
		readBody(-1)
	case "/panic":
		panic("diff boom")
	case "/abort":
		panic(http.ErrAbortHandler)
	default:
		readBody(-1)
	}

	r.mu.Lock()
	ob.Body = fmt.Sprintf("%d %.40q", len(body), body)
	if berr != nil {
		ob.BodyErr = noPort(berr.Error())
	}
	for k, vs := range req.Trailer {
		ob.Trailer = append(ob.Trailer, k+": "+strings.Join(vs, ","))
	}
	sort.Strings(ob.Trailer)
	if ctx.Err() != nil {
		ob.CtxErr = context.Cause(ctx).Error()
	}
	r.mu.Unlock()
	if !answered && req.URL.Path != "/hijack2" {
		if req.ProtoMajor == 2 {
			// HPACK-encoded, a Date header cannot be blanked: leave it out.
			w.Header()["Date"] = nil
		}
		w.Header().Set("X-Path", req.URL.Path)
		fmt.Fprintf(w, "read %d\n", len(body))
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// connStates records ConnState transitions per connection.
type connStates struct {
	mu    sync.Mutex
	order []net.Conn
	seq   map[net.Conn][]string
	// countOnly keeps no connection, only the count of those that ended,
	// for the heap measurement.
	countOnly bool
	ended     int
	changes   int // transitions recorded
}

func (s *connStates) hook(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.countOnly {
		if st == http.StateClosed || st == http.StateHijacked {
			s.ended++
		}
		return
	}
	if s.seq == nil {
		s.seq = map[net.Conn][]string{}
	}
	if _, ok := s.seq[c]; !ok {
		s.order = append(s.order, c)
	}
	s.seq[c] = append(s.seq[c], st.String())
	s.changes++
}

// closing reports whether the server has seen connections and every one
// of them reached a final state.
func (s *connStates) closing() bool {
	s.mu.Lock()
	n := len(s.order)
	s.mu.Unlock()
	return n > 0 && s.settled()
}

// inFlight reports whether a connection's last state is active: a request
// is being read, served or finished.
func (s *connStates) inFlight() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.order {
		if seq := s.seq[c]; seq[len(seq)-1] == "active" {
			return true
		}
	}
	return false
}

func (s *connStates) changeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changes
}

// begun counts the connections with a state past new.
func (s *connStates) begun() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.order {
		if len(s.seq[c]) > 1 {
			n++
		}
	}
	return n
}

// settled reports whether every connection reached a final state.
func (s *connStates) settled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.order {
		seq := s.seq[c]
		if last := seq[len(seq)-1]; last != "closed" && last != "hijacked" {
			return false
		}
	}
	return true
}

func (s *connStates) endedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

func (s *connStates) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for i, c := range s.order {
		out = append(out, fmt.Sprintf("c%d: %s", i+1, strings.Join(s.seq[c], " ")))
	}
	return out
}

// newDiffServer builds impl's Server with o.
func newDiffServer(impl Impl, o diffServer, r *diffRun) HTTPServer {
	o = o.withDefaults()
	srv := impl.HTTP.NewServer(ServerOptions{Handler: r, ReadTimeout: o.ReadTimeout,
		ReadHeaderTimeout: o.ReadHeaderTimeout, WriteTimeout: o.WriteTimeout, IdleTimeout: o.IdleTimeout,
		MaxHeaderBytes: o.MaxHeaderBytes, ConnState: r.states.hook, ErrorLog: log.New(&r.log, "", 0)})
	if o.H2C {
		p := new(http.Protocols)
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
		switch s := srv.(type) {
		case *http.Server:
			s.Protocols = p
		case *chttp.Server:
			s.Protocols = p
		default:
			panic(fmt.Sprintf("httpdiff: unknown server type %T", srv))
		}
	}
	if o.KeepAlivesOff {
		srv.SetKeepAlivesEnabled(false)
	}
	return srv
}

// clientConn is the client side of one connection: a reader goroutine
// collects every byte and how the connection ended.
type clientConn struct {
	c     *net.TCPConn
	mu    sync.Mutex
	got   []byte    // guarded by mu
	last  time.Time // guarded by mu: when the last bytes arrived
	ended chan struct{}
	end   string // set before ended is closed
}

func dialClient(addr string) (*clientConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	tc.SetNoDelay(true)
	cc := &clientConn{c: tc, ended: make(chan struct{})}
	go cc.read()
	return cc, nil
}

func (cc *clientConn) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := cc.c.Read(buf)
		cc.mu.Lock()
		cc.got = append(cc.got, buf[:n]...)
		cc.last = time.Now()
		cc.mu.Unlock()
		if err != nil {
			switch {
			case err == io.EOF:
				cc.end = "EOF"
			case errors.Is(err, syscall.ECONNRESET):
				cc.end = "RST"
			case errors.Is(err, net.ErrClosed):
				cc.end = "open" // closed by the harness after the settle time
			default:
				cc.end = noPort(err.Error())
			}
			close(cc.ended)
			return
		}
	}
}

// serverUnread is how many bytes the client sent that the server's end of
// the connection has not read yet: its receive queue (0 where that is
// unknown: another system, or the server closed its end).
func (cc *clientConn) serverUnread() int { return peerUnread(cc.c) }

// state waits up to d for the connection to end.
func (cc *clientConn) state(d time.Duration) string {
	select {
	case <-cc.ended:
		return cc.end
	case <-time.After(d):
		return "open"
	}
}

// quiet waits until the connection ends, or has been quiet for settle:
// no byte received and busy false (the harness passes "nothing visible
// since the last write, or diffRun.starting": a server that has not yet
// read or answered what was sent is not quiet, however long the scheduler
// keeps it from running); if closing reports that the server
// closed its side, the end is waited for. It gives up after 4 settle times, so
// that a server that keeps a handler running still yields "open".
func (cc *clientConn) quiet(settle time.Duration, busy, closing func() bool) string {
	start := time.Now()
	active := start // the last time a handler was seen running
	for {
		cc.mu.Lock()
		last := cc.last
		cc.mu.Unlock()
		if last.Before(active) {
			last = active
		}
		wait := settle - time.Since(last)
		if busy() && time.Since(start) < 4*settle && !closing() {
			active = time.Now()
			wait = 5 * time.Millisecond
		}
		if wait <= 0 && closing() {
			// The server reports the connection closed: its FIN may lag
			// on a loaded machine.
			return cc.state(2 * time.Second)
		}
		if wait <= 0 {
			return "open"
		}
		select {
		case <-cc.ended:
			return cc.end
		case <-time.After(wait):
		}
	}
}

// finish waits for the connection to end or go quiet, closes it and
// returns what it got.
func (cc *clientConn) finish(settle time.Duration, busy, closing func() bool) (got []byte, end string) {
	end = cc.quiet(settle, busy, closing)
	cc.c.Close()
	<-cc.ended
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.got, end
}

// runDiffCase runs c against impl. An error is a harness failure (the
// server could not start or did not stop), not a divergence.
func runDiffCase(c diffCase, impl Impl) (obs diffObs, err error) {
	r := &diffRun{started: make(chan struct{}, 16), release: make(chan struct{})}
	defer r.letGo()
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return obs, err
	}
	srv := newDiffServer(impl, c.srv, r)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	settle := c.settle
	if settle == 0 {
		settle = 400 * time.Millisecond
		if c.sends() > 64<<10 {
			// Large bodies take long under -race on a loaded machine.
			settle = time.Second
		}
	}

	var results []string
	var resMu sync.Mutex
	var bg sync.WaitGroup
	var bytesIn []string
	cc, err := dialClient(addr)
	dials := 1
	if err != nil {
		srv.Close()
		<-served
		return obs, err
	}
	writeFailed := false
	// progress is what the server has visibly done so far.
	progress := func() [3]int {
		cc.mu.Lock()
		n := len(cc.got)
		cc.mu.Unlock()
		ended := 0
		select {
		case <-cc.ended:
			ended = 1
		default:
		}
		return [3]int{r.states.changeCount(), n, ended}
	}
	var wrote [3]int // progress at the last write
	for _, s := range c.steps {
		switch s.kind {
		case stepWrite:
			wrote = progress()
			if !writeFailed {
				if _, err := io.WriteString(cc.c, s.data); err != nil {
					writeFailed = true // the server closed; later writes are moot
				}
			}
		case stepSleep:
			time.Sleep(s.d)
		case stepCloseWrite:
			cc.c.CloseWrite()
		case stepCheck:
			obs.Checks = append(obs.Checks, cc.state(s.d))
		case stepShutdown:
			bg.Add(1)
			go func(d time.Duration) {
				defer bg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), d)
				defer cancel()
				err := srv.Shutdown(ctx)
				resMu.Lock()
				results = append(results, fmt.Sprintf("shutdown: %v", err))
				resMu.Unlock()
			}(s.d)
		case stepClose:
			err := srv.Close()
			resMu.Lock()
			results = append(results, fmt.Sprintf("close: %v", err))
			resMu.Unlock()
		case stepKeepAlive:
			srv.SetKeepAlivesEnabled(false)
		case stepWaitIn:
			select {
			case <-r.started:
			case <-time.After(3 * time.Second):
				obs.Checks = append(obs.Checks, "handler did not start")
			}
		case stepRelease:
			r.letGo()
		case stepCaughtUp:
			// Caught up: the server has taken up the last write (a
			// ConnState change, bytes back, or the end; a partial head
			// shows none, and waits the whole d) and is done with it;
			// if it closed the connection, the client has read all it
			// sent (a write into a socket closed with bytes still in
			// flight would have them reset).
			deadline := time.Now().Add(s.d)
			for (progress() == wrote || r.pending(cc)) && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond)
			}
			if r.states.closing() {
				select {
				case <-cc.ended:
				case <-time.After(time.Until(deadline)):
				}
			}
		case stepDial:
			got, end := cc.finish(settle, func() bool { return progress() == wrote || r.starting(cc, dials) }, r.states.closing)
			bytesIn = append(bytesIn, string(got)+"<"+end+">")
			dials++
			if cc, err = dialClient(addr); err != nil {
				obs.Checks = append(obs.Checks, "dial: "+noPort(err.Error()))
				cc = nil
			}
			writeFailed = cc == nil
		}
	}
	if cc != nil {
		got, end := cc.finish(settle, func() bool { return progress() == wrote || r.starting(cc, dials) }, r.states.closing)
		bytesIn = append(bytesIn, string(got))
		obs.End = end
	}
	obs.Bytes = h2Normal(dateLine.ReplaceAllString(strings.Join(bytesIn, ""), "Date: X\r\n"))

	// Every connection must reach closed or hijacked once the client is gone.
	r.letGo()
	deadline := time.Now().Add(3 * time.Second)
	for !r.states.settled() && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	obs.States = r.states.snapshot()
	if !r.states.settled() {
		obs.States = append(obs.States, "not settled after the client closed")
	}
	bg.Wait()
	srv.Close()
	select {
	case err := <-served:
		results = append(results, fmt.Sprintf("serve: %v", err))
	case <-time.After(5 * time.Second):
		return obs, errors.New("Serve did not return after Close")
	}
	if !waitGroupWithin(&r.handlers, 5*time.Second) {
		return obs, errors.New("a handler did not return")
	}
	r.mu.Lock()
	for _, ob := range r.obs {
		obs.Handler = append(obs.Handler, *ob)
	}
	r.mu.Unlock()
	obs.Server = results
	obs.Log = logLines(r.log.String())
	return obs, nil
}

// logLines keeps the ErrorLog's messages, ports blanked; a panic's stack
// trace, whose frames and addresses differ from run to run, is reduced to
// one line saying it was there.
func logLines(s string) []string {
	var out []string
	stack := false
	for _, line := range strings.Split(s, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "http"):
			out = append(out, noPort(line))
			stack = false
		case !stack:
			out = append(out, "(stack trace)")
			stack = true
		}
	}
	return out
}

// h2Normal rewrites an HTTP/2 server's bytes (they start with its SETTINGS
// frame) as one line per frame: the frames of each stream in order, then
// the connection's own frames (stream 0) sorted, since net/http's HTTP/2
// server writes SETTINGS ACK, WINDOW_UPDATE and GOAWAY in an order that
// varies from run to run (connection-level WINDOW_UPDATEs are dropped). Other bytes are returned unchanged.
func h2Normal(b string) string {
	if len(b) < 9 || b[0] != 0 || b[3] != 4 {
		return b
	}
	var conn, streams []string
	for len(b) >= 9 {
		n := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
		id := (uint32(b[5])<<24 | uint32(b[6])<<16 | uint32(b[7])<<8 | uint32(b[8])) &^ (1 << 31)
		if len(b) < 9+n {
			break
		}
		f := fmt.Sprintf("frame type=%d flags=%#x stream=%d payload=%x", b[3], b[4], id, b[9:9+n])
		switch {
		case id == 0 && b[3] == 8:
			// A connection-level WINDOW_UPDATE is sent or not depending on
			// when the server's flow-control goroutine runs.
		case id == 0:
			conn = append(conn, f)
		default:
			streams = append(streams, f)
		}
		b = b[9+n:]
	}
	sort.Strings(conn)
	out := append(streams, conn...)
	if b != "" {
		out = append(out, fmt.Sprintf("partial frame %x", b))
	}
	return strings.Join(out, "\n")
}

func waitGroupWithin(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// summary describes in one line per field how b differs from a.
func (a diffObs) summary(b diffObs) string {
	var out []string
	field := func(name string, x, y any) {
		xs, ys := fmt.Sprintf("%q", x), fmt.Sprintf("%q", y)
		if xs == ys {
			return
		}
		if s, ok := x.(string); ok {
			t := y.(string)
			i := 0
			for i < len(s) && i < len(t) && s[i] == t[i] {
				i++
			}
			lo := max(i-30, 0)
			xs, ys = fmt.Sprintf("%.90q", s[lo:]), fmt.Sprintf("%.90q", t[lo:])
			if lo > 0 {
				xs, ys = "…"+xs, "…"+ys
			}
		}
		if len(xs) > 300 {
			xs = xs[:300] + "…"
		}
		if len(ys) > 300 {
			ys = ys[:300] + "…"
		}
		out = append(out, fmt.Sprintf("%s: std %s, compat %s", name, xs, ys))
	}
	field("bytes", a.Bytes, b.Bytes)
	field("end", a.End, b.End)
	field("checks", a.Checks, b.Checks)
	field("states", a.States, b.States)
	if len(a.Handler) != len(b.Handler) {
		var am, bm []string
		for _, h := range a.Handler {
			am = append(am, h.Method+" "+h.URI)
		}
		for _, h := range b.Handler {
			bm = append(bm, h.Method+" "+h.URI)
		}
		field("handled", am, bm)
	} else {
		for i := range a.Handler {
			x, y := fmt.Sprintf("%+v", a.Handler[i]), fmt.Sprintf("%+v", b.Handler[i])
			if x != y {
				hx, hy := a.Handler[i], b.Handler[i]
				field(fmt.Sprintf("handler %d method", i), hx.Method, hy.Method)
				field(fmt.Sprintf("handler %d uri", i), hx.URI, hy.URI)
				field(fmt.Sprintf("handler %d header", i), hx.Header, hy.Header)
				field(fmt.Sprintf("handler %d body", i), hx.Body, hy.Body)
				field(fmt.Sprintf("handler %d body error", i), hx.BodyErr, hy.BodyErr)
				field(fmt.Sprintf("handler %d trailer", i), hx.Trailer, hy.Trailer)
				field(fmt.Sprintf("handler %d notes", i), hx.Notes, hy.Notes)
				field(fmt.Sprintf("handler %d context at return", i), hx.CtxErr, hy.CtxErr)
				field(fmt.Sprintf("handler %d context after return", i), hx.CtxAfter, hy.CtxAfter)
				field(fmt.Sprintf("handler %d other", i), fmt.Sprint(hx.Proto, hx.Host, hx.ContentLength, hx.TransferEncoding, hx.Close),
					fmt.Sprint(hy.Proto, hy.Host, hy.ContentLength, hy.TransferEncoding, hy.Close))
			}
		}
	}
	field("errorlog", a.Log, b.Log)
	field("server", a.Server, b.Server)
	return strings.Join(out, "; ")
}

// sends is how many bytes the case writes.
func (c diffCase) sends() int {
	n := 0
	for _, s := range c.steps {
		n += len(s.data)
	}
	return n
}

// describe renders a case's client steps, for the findings.
func (c diffCase) describe() string {
	var parts []string
	for _, s := range c.steps {
		switch s.kind {
		case stepWrite:
			parts = append(parts, fmt.Sprintf("write %.200q", s.data))
		case stepSleep:
			parts = append(parts, fmt.Sprintf("sleep %v", s.d))
		case stepCloseWrite:
			parts = append(parts, "half-close")
		case stepCheck:
			parts = append(parts, fmt.Sprintf("check(%v)", s.d))
		case stepShutdown:
			parts = append(parts, fmt.Sprintf("Shutdown(%v)", s.d))
		case stepClose:
			parts = append(parts, "Close")
		case stepKeepAlive:
			parts = append(parts, "SetKeepAlivesEnabled(false)")
		case stepWaitIn:
			parts = append(parts, "wait for handler")
		case stepRelease:
			parts = append(parts, "release handler")
		case stepDial:
			parts = append(parts, "new connection")
		case stepCaughtUp:
			parts = append(parts, "wait until the server caught up")
		}
	}
	return fmt.Sprintf("server %+v; %s", c.srv, strings.Join(parts, ", "))
}
