package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/evshim/evshim/internal/sweep"
)

const sweepHelp = `usage: evshim bench [flags]

The C10K sweep: a hello-world handler on compat/http and on net/http, each
in its own process, loaded from this process at rising concurrency with
and without keep-alive, in rounds with the servers interleaved; then the
RSS and goroutines that idle keep-alive connections cost each server.
Prints a table of medians and ratios against net/http and writes an SVG
chart per mode and the full JSON report to -out.

Other servers join with -server name=command: the command gets
"-addr 127.0.0.1:0" appended and must print "listening on ADDR" (and, for
goroutine counts, "stats on ADDR" first; see internal/sweep).

Examples:
  evshim bench
  evshim bench -short
  evshim bench -c 1000,10000 -t 5s -rounds 5 -server fasthttp=./bin/fasthttp
  evshim bench -idle-only -idle 10000 -idle-method POST -idle-body 1024 -idle-gc=false

flags:
`

// builtinServers are the servers -servers can name: this binary re-run
// as "evshim bench serve".
var builtinServers = []struct{ key, name, impl string }{
	{key: "compat", name: "compat/http", impl: "compat"},
	{key: "std", name: sweep.Baseline, impl: "std"},
}

// serverFlag collects repeated -server name=command values.
type serverFlag []sweep.Server

func (s *serverFlag) String() string {
	var names []string
	for _, v := range *s {
		names = append(names, v.Name)
	}
	return strings.Join(names, ",")
}

func (s *serverFlag) Set(v string) error {
	srv, err := sweep.ParseServer(v)
	if err != nil {
		return err
	}
	*s = append(*s, srv)
	return nil
}

// intsFlag is a comma-separated list of positive integers.
type intsFlag []int

func (f *intsFlag) String() string {
	var s []string
	for _, v := range *f {
		s = append(s, strconv.Itoa(v))
	}
	return strings.Join(s, ",")
}

func (f *intsFlag) Set(v string) error {
	var out []int
	for _, p := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a positive integer", p)
		}
		out = append(out, n)
	}
	*f = out
	return nil
}

// testHookSelf, when set, replaces the command line that runs this
// binary's own servers; tests point it at the test binary.
var testHookSelf func() ([]string, []string)

func runSweep(args []string, stdout, stderr io.Writer) int {
	var (
		cfg     sweep.Config
		extra   serverFlag
		levels  intsFlag
		servers string
		short   bool
		asJSON  bool
		out     string
		idle    int
		idleGC  bool
	)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, sweepHelp)
		fs.PrintDefaults()
	}
	fs.StringVar(&servers, "servers", "compat,std", "built-in `servers` to run, comma-separated: compat, std (or none)")
	fs.Var(&extra, "server", "add a server: `name=command` (repeatable; split at spaces, no quoting)")
	fs.Var(&levels, "c", "concurrency `levels`, comma-separated (default 10,100,1000,5000,10000)")
	fs.Var(secondsFlag{&cfg.Duration}, "t", "load `time` per point (default 2s)")
	fs.IntVar(&cfg.Rounds, "rounds", sweep.DefaultRounds, "`rounds`: every point is measured this many times")
	fs.IntVar(&idle, "idle", 0, "idle keep-alive `connections` to measure (default the largest -c; -1 skips)")
	fs.StringVar(&cfg.IdleMethod, "idle-method", "GET", "`method` of the one request each idle connection makes before it idles")
	fs.IntVar(&cfg.IdleBody, "idle-body", 0, "`bytes` of body in that request (with -idle-method POST: what a connection keeps after reading a body)")
	fs.BoolVar(&idleGC, "idle-gc", true, "have the server collect garbage and return memory to the OS before each idle snapshot; false measures RSS as it is")
	fs.BoolVar(&cfg.IdleOnly, "idle-only", false, "skip the load rounds: only the idle measurement")
	fs.BoolVar(&short, "short", false, "a smoke run of a few seconds: -c 10,50 -t 1s -rounds 1 -idle 50")
	fs.StringVar(&out, "out", ".", "`directory` for sweep-keepalive.svg, sweep-close.svg and sweep.json (\"\" writes none)")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON instead of tables")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "evshim bench: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if short {
		// Explicit flags win over -short's values.
		if !set["c"] {
			levels = intsFlag{10, 50}
		}
		if !set["t"] {
			cfg.Duration = time.Second
		}
		if !set["rounds"] {
			cfg.Rounds = 1
		}
		if !set["idle"] {
			idle = 50
		}
		cfg.Settle = 500 * time.Millisecond
		cfg.Pause = 50 * time.Millisecond
	}
	cfg.Concurrency, cfg.IdleConns, cfg.IdleNoGC = levels, idle, !idleGC

	self, env, err := selfCommand()
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench: %v\n", err)
		return 2
	}
	for _, key := range strings.Split(servers, ",") {
		key = strings.TrimSpace(key)
		if key == "" || key == "none" {
			continue
		}
		found := false
		for _, b := range builtinServers {
			if b.key == key {
				cmd := append(append([]string{}, self...), "bench", "serve", "-exit-on-eof", "-impl", b.impl)
				cfg.Servers = append(cfg.Servers, sweep.Server{Name: b.name, Command: cmd, Env: env})
				found = true
			}
		}
		if !found {
			fmt.Fprintf(stderr, "evshim bench: -servers: unknown server %q; want compat, std or none\n", key)
			return 2
		}
	}
	cfg.Servers = append(cfg.Servers, extra...)
	if len(cfg.Servers) == 0 {
		fmt.Fprintln(stderr, "evshim bench: no servers: give -servers or -server")
		return 2
	}
	cfg.Log = stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, runErr := sweep.Run(ctx, cfg)
	if rep == nil || len(rep.Points) == 0 && len(rep.Idle) == 0 {
		// Nothing measured: an empty table would only hide the error.
		fmt.Fprintf(stderr, "evshim bench: %v\n", runErr)
		return 2
	}
	if asJSON {
		err = writeJSON(stdout, rep)
	} else {
		err = rep.WriteText(stdout)
	}
	if err == nil && out != "" {
		var files []string
		files, err = writeSweepFiles(rep, out)
		if err == nil && !asJSON {
			fmt.Fprintf(stdout, "\nwrote %s\n", strings.Join(files, ", "))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim bench: %v\n", err)
		return 2
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "evshim bench: stopped: %v\n", runErr)
		return 1
	}
	return 0
}

// selfCommand returns the command line that runs this binary, and any
// environment it needs.
func selfCommand() ([]string, []string, error) {
	if testHookSelf != nil {
		cmd, env := testHookSelf()
		return cmd, env, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	return []string{exe}, nil, nil
}

// writeSweepFiles writes the charts and the JSON report into dir and
// returns their paths.
func writeSweepFiles(rep *sweep.Report, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	write := func(name string, fill func(io.Writer) error) error {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = fill(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		files = append(files, path)
		return err
	}
	if len(rep.Points) > 0 { // not for the idle measurement alone
		if err := write("sweep-keepalive.svg", func(w io.Writer) error { return rep.WriteSVG(w, true) }); err != nil {
			return nil, err
		}
		if err := write("sweep-close.svg", func(w io.Writer) error { return rep.WriteSVG(w, false) }); err != nil {
			return nil, err
		}
	}
	err := write("sweep.json", func(w io.Writer) error { return writeJSON(w, rep) })
	return files, err
}
