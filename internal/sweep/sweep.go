package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/evshim/evshim/internal/doctor"
	"github.com/evshim/evshim/internal/loadgen"
)

// Config describes a sweep. Zero fields take the defaults of
// "evshim bench".
type Config struct {
	// Servers are loaded in this order within each point. A server named
	// Baseline is the reference for ratios.
	Servers []Server
	// Concurrency lists the connection counts to load with; the machine's
	// limits may lower them (Report.Capped says which and why).
	Concurrency []int
	// Duration is the load time of one point.
	Duration time.Duration
	// Rounds is how many times every point is measured.
	Rounds int
	// IdleConns is how many idle keep-alive connections the idle
	// measurement opens; zero means the largest concurrency, a negative
	// value skips the measurement.
	IdleConns int
	// Settle is how long the idle connections sit before the second
	// snapshot.
	Settle time.Duration
	// IdleMethod is the method of the one request each idle connection
	// makes before it idles; zero means GET. IdleBody is the size in
	// bytes of that request's body (Content-Length), zero for none: a
	// POST with a body shows what a connection keeps after reading one.
	IdleMethod string
	IdleBody   int
	// IdleNoGC takes the idle snapshots with the server's memory as it
	// is. By default the server collects garbage and returns freed memory
	// to the operating system first (see ReadStats), which shows live
	// memory but hides what a server that keeps garbage between
	// collections holds in RSS.
	IdleNoGC bool
	// IdleOnly skips the load rounds: only the idle measurement runs.
	IdleOnly bool
	// Pause separates points, so that one point's closing connections do
	// not fall into the next one's time.
	Pause time.Duration
	// Log, if not nil, gets one line per measurement as the sweep runs.
	Log io.Writer
}

// Baseline is the name of the reference server: ratios are against it.
const Baseline = "net/http"

// DefaultConcurrency is the article's range, from 10 to 10,000.
var DefaultConcurrency = []int{10, 100, 1000, 5000, 10000}

const (
	// DefaultDuration is chosen so that the default sweep of two servers
	// fits in about four minutes on a 2-core machine: 5 levels × 2 modes ×
	// 2 servers × 3 rounds = 60 points of 2 s plus their pauses and the
	// idle measurement.
	DefaultDuration = 2 * time.Second
	DefaultRounds   = 3
	DefaultSettle   = 2 * time.Second
	DefaultPause    = 250 * time.Millisecond
)

// Point is one measurement: one server at one concurrency and mode in one
// round.
type Point struct {
	Server      string  `json:"server"`
	Round       int     `json:"round"`
	Concurrency int     `json:"concurrency"`
	KeepAlive   bool    `json:"keep_alive"`
	RPS         float64 `json:"requests_per_second"`
	Responses   int64   `json:"responses"`
	// Failed counts failed requests of every kind (loadgen's Kind).
	Failed int64            `json:"failed"`
	Errors map[string]int64 `json:"errors,omitempty"` // the nonzero kinds
	P99    time.Duration    `json:"p99_ns"`
}

// Report is the outcome of a sweep: every measurement and their summary.
type Report struct {
	Facts     doctor.Facts  `json:"machine"`
	Shared    string        `json:"shared_machine"` // the caveat printed with the table
	Servers   []Server      `json:"servers"`
	Levels    []int         `json:"concurrency"`
	Capped    []string      `json:"capped,omitempty"`
	Duration  time.Duration `json:"duration_per_point_ns"`
	Rounds    int           `json:"rounds"`
	Points    []Point       `json:"points"`
	Idle      []Idle        `json:"idle,omitempty"`
	Summary   []Row         `json:"summary"`
	IdleTable []IdleRow     `json:"idle_summary,omitempty"`
}

func (cfg *Config) normalize() error {
	if len(cfg.Servers) == 0 {
		return errors.New("sweep: no servers")
	}
	seen := map[string]bool{}
	for _, s := range cfg.Servers {
		if s.Name == "" || len(s.Command) == 0 {
			return fmt.Errorf("sweep: server %q: empty name or command", s.Name)
		}
		if seen[s.Name] {
			return fmt.Errorf("sweep: server %q named twice", s.Name)
		}
		seen[s.Name] = true
	}
	if len(cfg.Concurrency) == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Duration <= 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Rounds <= 0 {
		cfg.Rounds = DefaultRounds
	}
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Pause < 0 {
		cfg.Pause = 0
	} else if cfg.Pause == 0 {
		cfg.Pause = DefaultPause
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.IdleMethod == "" {
		cfg.IdleMethod = "GET"
	}
	if cfg.IdleBody < 0 {
		return fmt.Errorf("sweep: idle request body of %d bytes", cfg.IdleBody)
	}
	if cfg.IdleOnly && cfg.IdleConns < 0 {
		return errors.New("sweep: the idle measurement alone, skipped: nothing to measure")
	}
	return nil
}

// Run runs the sweep. It returns what it measured so far together with
// the error that stopped it, if any.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	soft, hard, err := loadgen.RaiseFileLimit()
	if err != nil {
		fmt.Fprintf(cfg.Log, "cannot raise the open-file limit %d to its hard limit %d: %v\n", soft, hard, err)
	}
	r := &Report{
		Facts:    doctor.ReadFacts(), // after the raise, so nofile shows what applies
		Servers:  cfg.Servers,
		Duration: cfg.Duration,
		Rounds:   cfg.Rounds,
	}
	r.Shared = fmt.Sprintf("client and servers share this machine's %d cores: the load generator's CPU is taken from the server, so figures are lower than with a separate client", r.Facts.Cores)
	r.Levels, r.Capped = capConcurrency(cfg.Concurrency, r.Facts, runtime.GOOS == "linux")
	if len(r.Levels) == 0 {
		return nil, errors.New("sweep: no concurrency level left")
	}
	err = nil // a limit not raised was logged; the run goes on
	if !cfg.IdleOnly {
		err = r.load(ctx, &cfg)
	}
	if err == nil && cfg.IdleConns >= 0 {
		err = r.idle(ctx, &cfg)
	}
	r.summarize()
	return r, err
}

// load runs the rounds: in each, every point on every server in turn.
// The servers of a round start together and stop at its end, so a server
// never carries one round's state into the next.
func (r *Report) load(ctx context.Context, cfg *Config) error {
	for round := 1; round <= cfg.Rounds; round++ {
		procs, err := startAll(ctx, cfg.Servers)
		if err != nil {
			return err
		}
		err = r.loadRound(ctx, cfg, round, procs)
		for _, p := range procs {
			p.stop()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func startAll(ctx context.Context, servers []Server) ([]*proc, error) {
	var procs []*proc
	for _, s := range servers {
		p, err := start(ctx, s)
		if err != nil {
			for _, q := range procs {
				q.stop()
			}
			return nil, err
		}
		procs = append(procs, p)
	}
	return procs, nil
}

func (r *Report) loadRound(ctx context.Context, cfg *Config, round int, procs []*proc) error {
	for _, keepAlive := range []bool{true, false} {
		for _, c := range r.Levels {
			for _, p := range procs {
				pt, err := loadPoint(ctx, p, c, keepAlive, cfg.Duration)
				if err != nil {
					return err
				}
				pt.Round = round
				r.Points = append(r.Points, pt)
				fmt.Fprintf(cfg.Log, "round %d/%d  %-10s c=%-5d %-13s %9.0f req/s  p99 %-9v failed %d\n",
					round, cfg.Rounds, modeName(keepAlive), c, p.srv.Name, pt.RPS, roundDur(pt.P99), pt.Failed)
				if err := sleep(ctx, cfg.Pause); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// loadPoint loads p for d at concurrency c, ab -r style: failed requests
// are counted, not fatal.
func loadPoint(ctx context.Context, p *proc, c int, keepAlive bool, d time.Duration) (Point, error) {
	g, err := loadgen.New(loadgen.Config{
		URL:             "http://" + p.addr + "/",
		Concurrency:     c,
		KeepAlive:       keepAlive,
		ContinueOnError: true,
		Duration:        d,
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return Point{}, err
	}
	res, err := g.Run(ctx)
	if err != nil {
		return Point{}, fmt.Errorf("sweep: server %s, c=%d: %w", p.srv.Name, c, err)
	}
	pt := Point{
		Server:      p.srv.Name,
		Concurrency: c,
		KeepAlive:   keepAlive,
		RPS:         res.RequestsPerSecond,
		Responses:   res.Responses,
		Failed:      res.ErrorsTotal,
		P99:         res.Latency.P99,
	}
	for k, n := range res.Errors {
		if n > 0 {
			if pt.Errors == nil {
				pt.Errors = map[string]int64{}
			}
			pt.Errors[k] = n
		}
	}
	return pt, nil
}

// idle measures every server's idle-connection cost once per round, each
// on a fresh process so that no load round's retained memory hides the
// cost, again interleaved.
func (r *Report) idle(ctx context.Context, cfg *Config) error {
	n := cfg.IdleConns
	if n == 0 {
		n = r.Levels[len(r.Levels)-1]
	}
	spec := idleSpec{conns: n, settle: cfg.Settle, method: cfg.IdleMethod, body: cfg.IdleBody, gc: !cfg.IdleNoGC}
	for round := 1; round <= cfg.Rounds; round++ {
		for _, s := range cfg.Servers {
			p, err := start(ctx, s)
			if err != nil {
				return err
			}
			m, err := measureIdle(ctx, p, spec)
			p.stop()
			if err != nil {
				return err
			}
			m.Round = round
			r.Idle = append(r.Idle, m)
			fmt.Fprintf(cfg.Log, "round %d/%d  idle       n=%-5d %-13s %s per conn, %s goroutines per conn\n",
				round, cfg.Rounds, n, s.Name, kib(m.RSSPerConn), perConn(m.GoroutinesPerConn))
			if err := sleep(ctx, cfg.Pause); err != nil {
				return err
			}
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func modeName(keepAlive bool) string {
	if keepAlive {
		return "keep-alive"
	}
	return "close"
}
