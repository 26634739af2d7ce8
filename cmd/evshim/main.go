// Command evshim is the toolbox around the evshim compat packages.
//
// Usage:
//
//	evshim <command> [flags] [arguments]
//
// The commands are:
//
//	bench    measure servers: "bench load URL" generates load, plain "bench" runs the C10K sweep
//	rewrite  swap net, net/http and os/signal imports for the compat packages (and back)
//	check    report code that still bypasses the event loop
//	doctor   check the Linux limits that a given number of connections needs
//	build    go build with every dependency's net, net/http and os/signal imports patched (patch_all)
//	test     go test, patched the same way
//	run      go run, patched the same way
//	overlay  write the patch as a go build -overlay file and print its path
//	version  print evshim's module version and the Go version it was built with
//
// Run "evshim help <command>" or "evshim <command> -h" for the flags and
// examples of each command.
//
// Exit status: 0 on success, 1 when a command found problems (check, doctor),
// 2 on a usage error or a failure to run.
package main

import (
	"fmt"
	"io"
	"os"
)

// command is one subcommand. run gets the arguments after the command name
// and returns the process exit status.
type command struct {
	name  string
	short string
	run   func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order "evshim -h" prints them.
// Each subcommand registers itself from its own file's init-free variable.
var commands = []*command{
	benchCommand,
	rewriteCommand,
	checkCommand,
	doctorCommand,
	buildCommand,
	testCommand,
	runCommand,
	overlayCommand,
	versionCommand,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		usage(stderr)
		return 2
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || (args[0] == "help" && len(args) == 1):
		usage(stderr)
		return 0
	case args[0] == "help":
		// "evshim help bench load" is "evshim bench load -h": every
		// command prints its own usage for -h and exits 0.
		c := lookup(args[1])
		if c == nil {
			fmt.Fprintf(stderr, "evshim help: unknown command %q\n", args[1])
			usage(stderr)
			return 2
		}
		return c.run(append(args[2:len(args):len(args)], "-h"), stdout, stderr)
	case args[0] == "-version" || args[0] == "--version":
		return versionCommand.run(nil, stdout, stderr)
	}
	if c := lookup(args[0]); c != nil {
		return c.run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "evshim: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c != nil && c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: evshim <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		if c != nil {
			fmt.Fprintf(w, "  %-8s %s\n", c.name, c.short)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `run "evshim help <command>" for its flags and examples`)
}
