package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Server is one server under test: a command line that serves the hello
// world response. The sweep appends "-addr 127.0.0.1:0" to Command; the
// process must then print "listening on ADDR" on stdout, optionally after a
// "stats on ADDR" line (see the package doc).
type Server struct {
	Name    string   `json:"name"`
	Command []string `json:"command"`
	// Env is added to the sweep's own environment for the process.
	Env []string `json:"-"`
}

// ParseServer parses the -server flag's "name=command args..." form. The
// command is split at white space; there is no quoting.
func ParseServer(s string) (Server, error) {
	name, cmd, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	f := strings.Fields(cmd)
	if !ok || name == "" || len(f) == 0 {
		return Server{}, fmt.Errorf("sweep: server %q: want name=command", s)
	}
	return Server{Name: name, Command: f}, nil
}

// startTimeout bounds how long a server may take to print its address.
const startTimeout = 30 * time.Second

// proc is a running server process. Its methods are for the one
// goroutine that runs the sweep.
type proc struct {
	srv       Server
	cmd       *exec.Cmd
	stdin     io.WriteCloser // closed by stop: the built-in servers exit on EOF
	addr      string         // from "listening on"; immutable
	statsAddr string         // from "stats on"; "" when the server has none; immutable
	stderr    *tailBuffer    // the last bytes of the server's stderr, for errors
	exited    chan struct{}  // closed when cmd.Wait has returned
	client    *http.Client   // for the stats endpoint
}

// start runs srv and waits for its "listening on" line.
func start(ctx context.Context, srv Server) (*proc, error) {
	args := append(srv.Command[1:len(srv.Command):len(srv.Command)], "-addr", "127.0.0.1:0")
	cmd := exec.Command(srv.Command[0], args...)
	cmd.Env = append(os.Environ(), srv.Env...)
	// A server that leaves a child holding its stdout or stderr (go run
	// does) must not keep Wait, and so the sweep, waiting for ever.
	cmd.WaitDelay = time.Second
	ann := &announcer{found: make(chan announcement, 1)}
	p := &proc{srv: srv, cmd: cmd, stderr: &tailBuffer{max: 1 << 10}, exited: make(chan struct{})}
	cmd.Stdout = ann
	cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sweep: server %s: %w", srv.Name, err)
	}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	var a announcement
	select {
	case a = <-ann.found:
		if _, _, err = net.SplitHostPort(a.addr); err != nil {
			err = fmt.Errorf("bad listening address: %w", err)
		}
	case <-p.exited:
		err = errors.New("exited before printing \"listening on ADDR\"")
	case <-timer.C:
		err = fmt.Errorf("no \"listening on ADDR\" line within %v", startTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("sweep: server %s (%s): %w; stderr: %q", srv.Name, strings.Join(srv.Command, " "), err, p.stderr.String())
	}
	p.addr, p.statsAddr = a.addr, a.stats
	p.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	return p, nil
}

// announcement is what a server prints before it serves.
type announcement struct{ addr, stats string }

// announcer is a server's stdout. It looks for the "stats on" and
// "listening on" lines, sends them once on found, and discards the rest.
// os/exec writes to it from one goroutine.
type announcer struct {
	found chan announcement // buffered, one send
	line  []byte            // a partial line
	a     announcement
	sent  bool
}

func (w *announcer) Write(b []byte) (int, error) {
	if w.sent {
		return len(b), nil
	}
	w.line = append(w.line, b...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		t := strings.TrimSpace(string(w.line[:i]))
		w.line = w.line[i+1:]
		if v, ok := strings.CutPrefix(t, "stats on "); ok {
			w.a.stats = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(t, "listening on "); ok {
			w.a.addr = strings.TrimSpace(v)
			w.found <- w.a
			w.sent, w.line = true, nil
			break
		}
	}
	if len(w.line) > 4<<10 {
		w.line = w.line[len(w.line)-(4<<10):] // a server that never ends a line
	}
	return len(b), nil
}

// stats reads the server's Stats: from its endpoint when it has one,
// otherwise only RSS from /proc. gc asks the endpoint to collect first.
func (p *proc) stats(gc bool) (Stats, error) {
	if p.statsAddr == "" {
		s := Stats{PID: p.cmd.Process.Pid, Goroutines: -1, HeapInuse: -1, StackInuse: -1,
			HeapAlloc: -1, HeapIdle: -1, HeapReleased: -1, TotalAlloc: -1, NumGC: -1}
		rss, err := readRSS(s.PID)
		if err != nil {
			return s, err
		}
		s.RSS = rss
		return s, nil
	}
	u := "http://" + p.statsAddr + "/stats"
	if gc {
		u += "?gc=1"
	}
	resp, err := p.client.Get(u)
	if err != nil {
		return Stats{}, fmt.Errorf("sweep: server %s: stats: %w", p.srv.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Stats{}, fmt.Errorf("sweep: server %s: stats: %s", p.srv.Name, resp.Status)
	}
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return Stats{}, fmt.Errorf("sweep: server %s: stats: %w", p.srv.Name, err)
	}
	return s, nil
}

// stopGrace is how long a server has to exit after its stdin closes and
// it is interrupted, before it is killed.
const stopGrace = 3 * time.Second

// stop ends the process: EOF on stdin and an interrupt first, then a kill.
// It waits for the process, so no zombie or copying goroutine outlives it.
func (p *proc) stop() {
	p.stdin.Close()
	p.cmd.Process.Signal(os.Interrupt) // fails on Windows; the kill below covers it
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
		p.cmd.Process.Kill()
		<-p.exited
	}
	if p.client != nil {
		p.client.CloseIdleConnections()
	}
}

// tailBuffer keeps the last max bytes written to it. It is safe for
// concurrent use: os/exec copies stderr from its own goroutine.
type tailBuffer struct {
	max int

	mu  sync.Mutex
	buf []byte // guarded by mu
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
