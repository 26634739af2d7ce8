package http

import (
	"sync"
	"time"
)

// parkedSet holds a Server's connections on the loop (Server.conns, in
// the comments), from accept until they close, are hijacked or are
// handed over, on three lists, oldest first: idle ones (waiting for a
// request's first byte, closed after IdleTimeout), ones reading a head
// (closed after ReadHeaderTimeout from their first byte), and held ones,
// which wait on no timer (just accepted; or busy, or finishing a head
// whose ReadHeaderTimeout passed, after the sweep took them off their
// list). Every connection of the first two lists shares its timeout, so
// each list is also in deadline order, and one timer armed for the
// earliest expiry serves them all: a parked connection holds no timer of
// its own.
//
// A connection stays on its list while busy: dispatch leaves it there
// (a lock round trip per request saved), its next park moves it to the
// back of idle or heads with a new since, and closeNow or hijack takes it
// off. The sweep moves a busy one to held without acting on it, and
// whoever acts on a listed connection (closeParked, expire) checks that it
// is parked.
//
// The lists are how Close finds every connection, and n counts them, so
// that Shutdown knows when none is left: a connection counts from track
// to forget. Neither needs a map entry per connection (issue 11 counts
// RSS per idle connection).
//
// All fields are guarded by mu. Lists are intrusive (conn.prev, next,
// since, listed), so parking allocates nothing.
type parkedSet struct {
	mu    sync.Mutex
	idle  connList
	heads connList
	held  connList
	n     int         // connections tracked and not yet forgotten
	timer *time.Timer // fires at next
	next  int64       // nanotime of the timer's expiry; 0 when disarmed
	srv   *Server
}

// connList is one of a parkedSet's lists; id is what its connections'
// listed field says, set once by the Server.
type connList struct {
	front, back *conn
	id          parkedList
}

// parkedList names the list a connection is on.
type parkedList uint8

const (
	notListed parkedList = iota // tracked, on no list: being closed, hijacked or handed over
	listedIdle
	listedHeads
	listedHeld
	forgotten // no longer tracked (forget)
)

// list returns the list that holds c, or nil.
func (p *parkedSet) list(c *conn) *connList {
	switch c.listed {
	case listedIdle:
		return &p.idle
	case listedHeads:
		return &p.heads
	case listedHeld:
		return &p.held
	}
	return nil
}

func (l *connList) push(c *conn) {
	c.prev, c.next, c.listed = l.back, nil, l.id
	if l.back != nil {
		l.back.next = c
	} else {
		l.front = c
	}
	l.back = c
}

func (l *connList) remove(c *conn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		l.front = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		l.back = c.prev
	}
	c.prev, c.next, c.listed = nil, nil, notListed
}

// add parks c: idle if its next request has not begun (net/http waits
// for 4 bytes of it), else as reading a head (ReadHeaderTimeout then runs
// from now, at most one grace wait after the head began).
func (p *parkedSet) add(c *conn, partial bool) {
	p.mu.Lock()
	if c.listed == forgotten {
		// Not the Server's any more: whoever forgot it closes it.
		p.mu.Unlock()
		return
	}
	if l := p.list(c); l != nil {
		// Still listed from before it was dispatched, or since accept.
		l.remove(c)
	}
	c.since = monotime()
	if partial {
		p.heads.push(c)
	} else {
		p.idle.push(c)
	}
	p.armLocked()
	p.mu.Unlock()
}

// reading moves c to the heads list when a head is under way.
func (p *parkedSet) reading(c *conn) {
	p.mu.Lock()
	if c.listed == listedIdle {
		p.idle.remove(c)
		c.since = monotime()
		p.heads.push(c)
		p.armLocked()
	}
	p.mu.Unlock()
}

// drop removes c from whichever list holds it; it stays counted until
// forget.
func (p *parkedSet) drop(c *conn) {
	p.mu.Lock()
	if l := p.list(c); l != nil {
		l.remove(c)
	}
	p.mu.Unlock()
}

// track counts a newly accepted c and holds it until it parks.
func (p *parkedSet) track(c *conn) {
	p.mu.Lock()
	p.n++
	p.held.push(c)
	p.mu.Unlock()
}

// forget takes c off its list and out of the count, once: the connection
// has closed, or left the loop for a hijacker or net/http.
func (p *parkedSet) forget(c *conn) {
	p.mu.Lock()
	if c.listed != forgotten {
		if l := p.list(c); l != nil {
			l.remove(c)
		}
		c.listed = forgotten
		p.n--
	}
	p.mu.Unlock()
}

// count returns how many connections are tracked.
func (p *parkedSet) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// all returns every listed connection, for Close.
func (p *parkedSet) all() []*conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	cs := make([]*conn, 0, p.n)
	for _, l := range []*connList{&p.idle, &p.heads, &p.held} {
		for c := l.front; c != nil; c = c.next {
			cs = append(cs, c)
		}
	}
	return cs
}

// idleAsNetHTTP returns the listed connections that net/http's
// closeIdleConns would take as idle: those that reported StateIdle (even
// with part of the next head read), and new ones accepted before old (a
// monotime). A listed connection may be busy since a dispatch; whoever
// closes one checks that it is parked.
func (p *parkedSet) idleAsNetHTTP(old int64) []*conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	var cs []*conn
	for _, l := range []*connList{&p.idle, &p.heads} {
		for c := l.front; c != nil; c = c.next {
			switch ConnState(c.reported.Load()) {
			case StateIdle:
			case StateNew:
				// A new connection's since is its accept time (see conn.since).
				if c.since > old {
					continue
				}
			default:
				continue
			}
			cs = append(cs, c)
		}
	}
	return cs
}

// armLocked sets the timer for the earliest expiry of both lists' fronts.
func (p *parkedSet) armLocked() {
	due := int64(0)
	if c := p.idle.front; c != nil {
		if d := p.srv.idleTimeout(); d > 0 {
			due = c.since + int64(d)
		}
	}
	if c := p.heads.front; c != nil {
		if d := p.srv.readHeaderTimeout(); d > 0 {
			if t := c.since + int64(d); due == 0 || t < due {
				due = t
			}
		}
	}
	if due == 0 || (p.next != 0 && p.next <= due) {
		return
	}
	p.next = due
	wait := time.Duration(due - monotime())
	if p.timer == nil {
		p.timer = time.AfterFunc(wait, p.sweep)
	} else {
		p.timer.Reset(wait)
	}
}

// sweep runs on the runtime's timer goroutine: it closes every idle
// connection whose IdleTimeout has passed (net/http closes them without a
// reply), has the loop finish every head whose ReadHeaderTimeout has
// (see conn.expire), and re-arms for the next.
func (p *parkedSet) sweep() {
	now := monotime()
	var idle, heads []*conn
	p.mu.Lock()
	p.next = 0
	for _, l := range []struct {
		list    *connList
		d       time.Duration
		expired *[]*conn
	}{{&p.idle, p.srv.idleTimeout(), &idle}, {&p.heads, p.srv.readHeaderTimeout(), &heads}} {
		if l.d <= 0 {
			continue
		}
		for c := l.list.front; c != nil && now-c.since >= int64(l.d); c = l.list.front {
			// Held until it is closed or the loop finishes its head (or,
			// if busy, until its next park lists it again: its since is
			// from before its request).
			l.list.remove(c)
			p.held.push(c)
			if c.state.Load() == connParked {
				*l.expired = append(*l.expired, c)
			}
		}
	}
	p.armLocked()
	p.mu.Unlock()
	for _, c := range idle {
		c.closeParked()
	}
	for _, c := range heads {
		// What the loop has read of the head is the loop's: it decides.
		if c.fd.Post(c.expire) != nil {
			c.closeParked()
		}
	}
}

// stop disarms the timer (the server is closing).
func (p *parkedSet) stop() {
	p.mu.Lock()
	if p.timer != nil {
		p.timer.Stop()
	}
	p.next = 0
	p.mu.Unlock()
}

var epoch = time.Now()

// monotime is monotonic nanoseconds, cheap to compare.
func monotime() int64 { return int64(time.Since(epoch)) }
