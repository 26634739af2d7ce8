package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/evshim/evshim/internal/loadgen"
)

var benchCommand = &command{
	name:  "bench",
	short: `measure servers: "bench load URL" generates load, plain "bench" runs the C10K sweep`,
	run:   runBench,
}

// runBench dispatches to bench's own subcommands. Plain "bench", with or
// without flags, runs the C10K sweep; "bench serve" is the hidden server
// that the sweep re-runs this binary as.
func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "load":
			return runBenchLoad(args[1:], stdout, stderr)
		case "serve":
			return runBenchServe(args[1:], stdout, stderr)
		case "help":
			benchUsage(stderr)
			return 0
		}
	}
	return runSweep(args, stdout, stderr)
}

func benchUsage(w io.Writer) {
	fmt.Fprint(w, `usage: evshim bench [flags]           the C10K sweep (compat/http vs net/http)
       evshim bench load [flags] URL  the load generator

run "evshim bench -h" or "evshim bench load -h" for their flags
`)
}

const benchLoadHelp = `usage: evshim bench load [flags] URL

Load an HTTP/1.1 server and report requests per second, latency
percentiles and errors by kind. The flags mean what they mean for ab.

Examples:
  evshim bench load -n 100000 -c 100 -k http://127.0.0.1:8080/
  evshim bench load -t 30s -c 1000 -k -r -json http://127.0.0.1:8080/ > run.json
  evshim bench load -n 1000 -m POST -H 'Content-Type: text/plain' -body hello http://127.0.0.1:8080/echo

flags:
`

// headerFlag collects repeated -H values.
type headerFlag []string

func (h *headerFlag) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlag) Set(v string) error { *h = append(*h, v); return nil }

// secondsFlag takes ab's whole seconds ("30") or a Go duration ("1m30s").
type secondsFlag struct{ d *time.Duration }

func (s secondsFlag) String() string {
	if s.d == nil || *s.d == 0 {
		return ""
	}
	return s.d.String()
}

func (s secondsFlag) Set(v string) error {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		*s.d = time.Duration(n * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return errors.New("want seconds or a duration such as 1m30s")
	}
	*s.d = d
	return nil
}

func runBenchLoad(args []string, stdout, stderr io.Writer) int {
	var cfg loadgen.Config
	var body string
	var asJSON bool
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchLoadHelp)
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.Requests, "n", 0, "`requests` to make (default 1, or no limit with -t)")
	fs.IntVar(&cfg.Concurrency, "c", 1, "`connections` making requests at the same time")
	fs.BoolVar(&cfg.KeepAlive, "k", false, "keep-alive: reuse connections (default: one connection per request)")
	fs.BoolVar(&cfg.ContinueOnError, "r", false, "go on after errors (default: stop at the first)")
	fs.Var(secondsFlag{&cfg.Duration}, "t", "stop after this `time` (seconds or a duration)")
	fs.Var(secondsFlag{&cfg.Timeout}, "s", "per-request `timeout`, dial included (default 30s)")
	fs.StringVar(&cfg.Method, "m", "", "request `method` (default GET, or POST with -body)")
	fs.Var((*headerFlag)(&cfg.Header), "H", "request `header` \"Name: value\" (repeatable)")
	fs.StringVar(&body, "body", "", "request `body`; @file reads it from file")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	fs.IntVar(&cfg.Sources, "sources", 0, "loopback source addresses to spread connections over (default 16, -1 for none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "evshim bench load: want exactly one URL")
		fs.Usage()
		return 2
	}
	cfg.URL = fs.Arg(0)
	if rest, ok := strings.CutPrefix(body, "@"); ok {
		b, err := os.ReadFile(rest)
		if err != nil {
			fmt.Fprintf(stderr, "evshim bench load: %v\n", err)
			return 2
		}
		cfg.Body = b
	} else if body != "" {
		cfg.Body = []byte(body)
	}
	if cfg.Method == "" && cfg.Body != nil {
		cfg.Method = "POST"
	}
	g, err := loadgen.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench load: %v\n", err)
		return 2
	}
	checkFileLimit(g.Config().Concurrency, stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stopProgress := startProgress(g, stderr)
	res, runErr := g.Run(ctx)
	stopProgress()
	if res == nil {
		fmt.Fprintf(stderr, "evshim bench load: %v\n", runErr)
		return 2
	}
	if asJSON {
		err = writeJSON(stdout, res)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench load: %v\n", err)
		return 2
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "evshim bench load: stopped: %v\n", runErr)
		return 1
	}
	return 0
}

// checkFileLimit raises RLIMIT_NOFILE and says so when it cannot cover
// the connections plus some slack for the runtime and the listener side of
// a same-host server.
func checkFileLimit(conns int, stderr io.Writer) {
	need := uint64(conns) + 64
	soft, hard, err := loadgen.RaiseFileLimit()
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench load: cannot raise the open-file limit to its hard limit %d: %v\n", hard, err)
	}
	if soft < need {
		fmt.Fprintf(stderr, "evshim bench load: -c %d needs about %d open files but the limit is %d (hard limit %d); raise it with \"ulimit -Hn\" or LimitNOFILE=\n",
			conns, need, soft, hard)
	}
}

// startProgress redraws a one-line progress report on stderr twice a
// second, only when stderr is a terminal: a pipe or a file gets nothing.
// The returned func erases the line and waits for the drawing goroutine.
func startProgress(g *loadgen.Generator, stderr io.Writer) func() {
	f, ok := stderr.(*os.File)
	if !ok || !loadgen.IsTerminal(f.Fd()) {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		var last loadgen.Progress
		for {
			select {
			case <-quit:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-tick.C:
				p := g.Progress()
				rate := float64(p.Responses-last.Responses) / (p.Elapsed - last.Elapsed).Seconds()
				fmt.Fprintf(f, "\r\033[K%7.1fs  %d responses  %.0f/s now  %d errors",
					p.Elapsed.Seconds(), p.Responses, rate, p.Errors)
				last = p
			}
		}
	}()
	return func() { close(quit); <-done }
}
