package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/evshim/evshim/internal/doctor"
)

var doctorCommand = &command{
	name:  "doctor",
	short: "check the Linux limits that a given number of connections needs",
	run:   runDoctor,
}

const doctorUsage = `usage: evshim doctor [-role serve|load|both] [-conns N] [-rate R] [-apply] [-json] [-v]

Doctor reads the Linux limits that bound how many connections one process can
hold (RLIMIT_NOFILE, fs.nr_open, fs.file-max), open (ip_local_port_range and
TIME_WAIT, somaxconn, the SYN backlog and cookies, conntrack) and buffer
(tcp_rmem, tcp_wmem, tcp_mem). For each it prints the value, what the target
needs, and the sysctl command, sysctl.d line, systemd LimitNOFILE= setting or
ulimit that raises it. It changes nothing unless -apply is given.

flags:
  -role R   what this machine does: serve (accepts connections: no local
            ports needed), load (dials them: no listen queues needed) or
            both (default), as a benchmark on one host does
  -conns N  connections one process holds open at once (default 10000);
            a benchmark that dials and serves in one process needs twice that
  -rate R   new connections per second, for the TIME_WAIT arithmetic
            (default 0: skip it)
  -apply    write the failing sysctl values to /proc/sys (needs root; lasts
            until reboot), printing each value before and after with the
            reason for the change, and what was not changed and why
  -json     print the report as JSON
  -v        explain every setting, passing ones too

RLIMIT_NOFILE is reported as the soft limit programs inherit from the
shell, the soft limit a Go program has after the runtime raised it to the
hard limit at start (Go 1.19 on), and the hard limit.

examples:
  evshim doctor -role serve -conns 100000
  evshim doctor -conns 20000 -rate 5000 -v
  evshim doctor -json | jq -r '.checks[] | select(.status == "fail") | .name'
  sudo evshim doctor -conns 100000 -rate 5000 -apply

exit status: 0 when no check fails (warnings allowed), 1 when one fails (with
-apply: still fails afterwards), 2 on a usage error or a failure to run.
The settings are explained in docs/tuning.md.
`

// testHookDoctorNofile and testHookDoctorInherited replace the
// RLIMIT_NOFILE readers in tests, so that a fixture's verdict does not
// depend on the limits of the machine running them. Nil means the real
// ones: getrlimit(2), and a child shell's ulimit.
var testHookDoctorNofile, testHookDoctorInherited func() (doctor.Rlimit, error)

func runDoctor(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, doctorUsage) }
	role := fs.String("role", "both", "")
	conns := fs.Int("conns", 10000, "")
	rate := fs.Int("rate", 0, "")
	apply := fs.Bool("apply", false, "")
	asJSON := fs.Bool("json", false, "")
	verbose := fs.Bool("v", false, "")
	// Hidden: the proc root to read instead of /proc, for fixture trees.
	proc := fs.String("proc", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "evshim doctor: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	switch {
	case *conns < 0:
		fmt.Fprintf(stderr, "evshim doctor: -conns %d: want 0 or more connections\n", *conns)
		return 2
	case *rate < 0:
		fmt.Fprintf(stderr, "evshim doctor: -rate %d: want 0 or more connections per second\n", *rate)
		return 2
	}
	switch r := doctor.Role(*role); r {
	case doctor.Serve, doctor.Load, doctor.Both:
	default:
		fmt.Fprintf(stderr, "evshim doctor: -role %q: want serve, load or both\n", *role)
		return 2
	}

	cfg := doctor.Config{Role: doctor.Role(*role), Conns: *conns, Rate: *rate, Proc: *proc,
		Nofile: testHookDoctorNofile, Inherited: testHookDoctorInherited}
	r, err := doctor.Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "evshim doctor: %v\n", err)
		return 2
	}
	if *apply {
		changes, err := doctor.Apply(cfg, r)
		if err != nil {
			fmt.Fprintf(stderr, "evshim doctor: %v\n", err)
			return 2
		}
		if r, err = doctor.Run(cfg); err != nil {
			fmt.Fprintf(stderr, "evshim doctor: %v\n", err)
			return 2
		}
		r.Applied = changes
	}

	if *asJSON {
		err = writeJSON(stdout, r)
	} else {
		err = r.WriteText(stdout, *verbose)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evshim doctor: %v\n", err)
		return 2
	}
	if r.Status() == doctor.Fail {
		return 1
	}
	return 0
}
