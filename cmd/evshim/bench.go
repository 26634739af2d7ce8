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
		case "-h", "-help", "--help":
			// "evshim help bench" lands here too: name both subcommands
			// before the sweep's own flags.
			benchUsage(stderr)
			fmt.Fprintln(stderr)
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
percentiles, errors by kind, and the generator's own CPU per response (on a
machine it shares with the server, that CPU is the server's loss). -n, -c,
-k, -r, -t and -s mean what they mean for ab.

Examples:
  evshim bench load -n 100000 -c 100 -k http://127.0.0.1:8080/
  evshim bench load -t 30s -c 1000 -k -hist http://127.0.0.1:8080/
  evshim bench load -t 30s -c 1000 -k -r -allow-errors -json http://127.0.0.1:8080/ > run.json
  evshim bench load -n 1000 -m POST -H 'Content-Type: text/plain' -body hello http://127.0.0.1:8080/echo

Exit status: 0 when every request got a response below 400; 1 when any
request failed (an error, or a status of 400 or more) unless -allow-errors
is given, or when the run was interrupted; 2 on a usage error or when the
target cannot be resolved.

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

// loadFlags are bench load's command line: the generator's Config and
// what the command itself does with the result.
type loadFlags struct {
	cfg         loadgen.Config
	body        string
	asJSON      bool
	hist        bool
	allowErrors bool
	set         map[string]bool // the flags given on the command line
}

// configFlag names the flag that sets each loadgen.Config field, for
// loadgen's errors: users know the flags, not the fields.
var configFlag = map[string]string{
	"URL":         "URL",
	"Method":      "-m",
	"Header":      "-H",
	"Requests":    "-n",
	"Concurrency": "-c",
	"Duration":    "-t",
	"Timeout":     "-s",
	"Sources":     "-sources",
	"Engine":      "-engine",
	"Threads":     "-threads",
}

func runBenchLoad(args []string, stdout, stderr io.Writer) int {
	var lf loadFlags
	cfg := &lf.cfg
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
	fs.BoolVar(&lf.allowErrors, "allow-errors", false, "exit 0 even when requests fail or get a status of 400 or more; implies -r")
	fs.Var(secondsFlag{&cfg.Duration}, "t", "stop after this `time` (seconds or a duration)")
	fs.Var(secondsFlag{&cfg.Timeout}, "s", "per-request `timeout`, dial included (default 30s)")
	fs.StringVar(&cfg.Method, "m", "", "request `method` (default GET, or POST with -body)")
	fs.Var((*headerFlag)(&cfg.Header), "H", "request `header` \"Name: value\" (repeatable); \"Name:\" leaves out the default User-Agent, Accept or another line of that name")
	fs.StringVar(&lf.body, "body", "", "request `body`; @file reads it from file")
	fs.BoolVar(&lf.asJSON, "json", false, "print the result as JSON")
	fs.BoolVar(&lf.hist, "hist", false, "add a latency histogram: text bars, or \"histogram\" bins in the JSON")
	fs.IntVar(&cfg.Sources, "sources", 16, "loopback source `addresses` to spread connections over; -1 for the kernel's choice")
	fs.StringVar(&cfg.Engine, "engine", "", "how connections are driven: "+strings.Join(loadgen.Engines(), " or ")+" (default "+loadgen.Engines()[0]+")")
	fs.IntVar(&cfg.Threads, "threads", 0, "OS `threads` of the epoll engine, each with its share of the connections (default and most: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	lf.set = make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { lf.set[f.Name] = true })
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "evshim bench load: want exactly one URL")
		fs.Usage()
		return 2
	}
	cfg.URL = fs.Arg(0)
	if err := lf.check(); err != nil {
		fmt.Fprintf(stderr, "evshim bench load: %v\n", err)
		return 2
	}
	if rest, ok := strings.CutPrefix(lf.body, "@"); ok {
		b, err := os.ReadFile(rest)
		if err != nil {
			fmt.Fprintf(stderr, "evshim bench load: -body: %v\n", err)
			return 2
		}
		cfg.Body = b
	} else if lf.body != "" {
		cfg.Body = []byte(lf.body)
	}
	if cfg.Method == "" && cfg.Body != nil {
		cfg.Method = "POST"
	}
	if lf.allowErrors {
		cfg.ContinueOnError = true
	}
	g, err := loadgen.New(*cfg)
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench load: %s\n", flagError(err))
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
	return lf.report(res, runErr, stdout, stderr)
}

// check validates the flags given, each in its own name: loadgen.Config
// takes a zero to mean a default, but "-c 0" on a command line is a
// mistake, not a request for the default.
func (lf *loadFlags) check() error {
	cfg := &lf.cfg
	switch {
	case lf.set["n"] && cfg.Requests < 1:
		return fmt.Errorf("-n %d: want 1 or more requests (leave -n out and give -t for no limit)", cfg.Requests)
	case cfg.Concurrency < 1:
		return fmt.Errorf("-c %d: want 1 or more connections", cfg.Concurrency)
	case lf.set["t"] && cfg.Duration <= 0:
		return fmt.Errorf("-t %v: want a positive time", cfg.Duration)
	case lf.set["s"] && cfg.Timeout <= 0:
		return fmt.Errorf("-s %v: want a positive timeout", cfg.Timeout)
	case lf.set["m"] && cfg.Method == "":
		return errors.New(`-m "": want a method such as GET`)
	case lf.set["threads"] && cfg.Threads < 1:
		return fmt.Errorf("-threads %d: want 1 or more threads", cfg.Threads)
	case cfg.Sources == 0 || cfg.Sources < -1:
		return fmt.Errorf("-sources %d: want 1 or more addresses, or -1 for the kernel's choice", cfg.Sources)
	case cfg.Duration == 0 && cfg.Concurrency > max(cfg.Requests, 1):
		return fmt.Errorf("-c %d is more than -n %d: every connection makes at least one request (or give -t)", cfg.Concurrency, max(cfg.Requests, 1))
	}
	return nil
}

// flagError rewrites a loadgen.ConfigError in terms of the flag that set
// the field. Other errors are returned as they are.
func flagError(err error) string {
	var ce *loadgen.ConfigError
	if errors.As(err, &ce) {
		if name, ok := configFlag[ce.Field]; ok {
			return name + " " + ce.Value + ": " + ce.Reason
		}
	}
	return err.Error()
}

// report prints res and returns the exit status.
func (lf *loadFlags) report(res *loadgen.Result, runErr error, stdout, stderr io.Writer) int {
	var err error
	if lf.hist {
		res.SetDistribution(loadgen.HistogramBins)
	}
	if lf.asJSON {
		err = writeJSON(stdout, res)
	} else {
		err = res.WriteText(stdout)
		if err == nil && lf.hist {
			err = res.WriteHistogram(stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench load: %v\n", err)
		return 2
	}
	switch {
	case runErr != nil && errors.Is(runErr, context.Canceled):
		fmt.Fprintln(stderr, "evshim bench load: interrupted")
		return 1
	case runErr != nil:
		fmt.Fprintf(stderr, "evshim bench load: stopped at the first failed request (-r goes on): %v\n", runErr)
		return 1
	case res.ErrorsTotal > 0 && !lf.allowErrors:
		fmt.Fprintf(stderr, "evshim bench load: %d of %d requests failed (%s); -allow-errors exits 0 despite them\n",
			res.ErrorsTotal, res.Responses+res.ErrorsTotal-res.Errors[loadgen.BadStatus.String()], failedKinds(res))
		return 1
	}
	return 0
}

// failedKinds lists the error kinds of res that occurred, "reset 3,
// bad_status 2", in loadgen's order.
func failedKinds(res *loadgen.Result) string {
	var parts []string
	for _, k := range loadgen.Kinds() {
		if n := res.Errors[k.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	return strings.Join(parts, ", ")
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
