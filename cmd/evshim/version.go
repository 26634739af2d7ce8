package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

var versionCommand = &command{
	name:  "version",
	short: "print evshim's module version and the Go version it was built with",
	run:   runVersion,
}

const versionUsage = `usage: evshim version

Version prints the evshim command's module version, "(devel)" for a build
from a checkout, the version of the evshim library it was built with when
that differs, the VCS revision when the build recorded one, and the Go
version and platform.
`

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, versionUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "evshim version: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(bi, ok))
	return 0
}

// libraryPath is the module of the compat packages the command serves.
const libraryPath = "github.com/evshim/evshim"

// versionLine formats what runVersion prints from the binary's build
// information: "evshim v1.2.0 go1.22.5 linux/amd64", with the library's
// version and the VCS revision added when they are known.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	goVersion := runtime.Version()
	if !ok || bi == nil {
		// Built without module support: nothing but the toolchain is known.
		return fmt.Sprintf("evshim (unknown) %s %s/%s", goVersion, runtime.GOOS, runtime.GOARCH)
	}
	if bi.GoVersion != "" {
		goVersion = bi.GoVersion
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	line := "evshim " + version
	for _, d := range bi.Deps {
		if d.Path != libraryPath {
			continue
		}
		lib := d.Version
		if d.Replace != nil {
			lib = d.Replace.Version
			if lib == "" {
				lib = "(devel, " + d.Replace.Path + ")"
			}
		}
		if lib != version {
			line += ", library " + lib
		}
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified == "true" {
			rev += "+dirty"
		}
		line += ", revision " + rev
	}
	return fmt.Sprintf("%s %s %s/%s", line, goVersion, runtime.GOOS, runtime.GOARCH)
}
