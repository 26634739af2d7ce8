package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

// TestMain is the package's one TestMain; every command's tests share it.
func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

func TestHelpCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string // the first line of the command's own usage
	}{
		{args: []string{"help", "rewrite"}, want: "usage: evshim rewrite "},
		{args: []string{"help", "check"}, want: "usage: evshim check "},
		{args: []string{"help", "doctor"}, want: "usage: evshim doctor "},
		{args: []string{"help", "bench"}, want: "usage: evshim bench [flags]"},
		{args: []string{"help", "bench", "load"}, want: "usage: evshim bench load [flags] URL"},
		{args: []string{"help", "version"}, want: "usage: evshim version"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := evshim(t, tt.args...)
			if code != 0 || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("exit %d, usage starts %q; want 0 and %q", code, firstLine(stderr), tt.want)
			}
			if strings.Contains(stderr, "commands:") {
				t.Errorf("evshim %s prints the top-level usage:\n%s", strings.Join(tt.args, " "), stderr)
			}
		})
	}
	// "help bench" names the load generator too, not just the sweep.
	if _, _, stderr := evshim(t, "help", "bench"); !strings.Contains(stderr, "evshim bench load [flags] URL") {
		t.Errorf("help bench does not mention bench load:\n%s", stderr)
	}
	for _, args := range [][]string{{"help"}, {"-h"}} {
		if code, _, stderr := evshim(t, args...); code != 0 || !strings.Contains(stderr, "commands:") || !strings.Contains(stderr, "version") {
			t.Errorf("evshim %v: exit %d, want 0 and the command list with version:\n%s", args, code, stderr)
		}
	}
	if code, _, stderr := evshim(t, "help", "nope"); code != 2 || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("help nope: exit %d, stderr %q; want 2 and the unknown command named", code, stderr)
	}
	if code, _, _ := evshim(t); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestVersionCommand(t *testing.T) {
	code, stdout, stderr := evshim(t, "version")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information in the test binary")
	}
	if want := "evshim " + bi.Main.Version + " "; bi.Main.Version != "" && !strings.HasPrefix(stdout, want) {
		t.Errorf("version = %q, want the main module's version first (%q)", stdout, want)
	}
	if !strings.Contains(stdout, bi.GoVersion) || !strings.HasSuffix(stdout, runtime.GOOS+"/"+runtime.GOARCH+"\n") {
		t.Errorf("version = %q, want the Go version %s and the platform", stdout, bi.GoVersion)
	}
	if code, _, stderr := evshim(t, "version", "extra"); code != 2 || !strings.Contains(stderr, `unexpected argument "extra"`) {
		t.Errorf("version extra: exit %d, stderr %q; want 2", code, stderr)
	}
}

func TestVersionLine(t *testing.T) {
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{name: "checkout", bi: &debug.BuildInfo{GoVersion: "go1.22.5", Main: debug.Module{Path: "github.com/evshim/evshim/cmd/evshim", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			want: "evshim (devel), revision 0123456789ab+dirty go1.22.5 "},
		{name: "installed", bi: &debug.BuildInfo{GoVersion: "go1.23.1", Main: debug.Module{Path: "github.com/evshim/evshim/cmd/evshim", Version: "v0.3.0"},
			Deps: []*debug.Module{{Path: "github.com/evshim/evshim", Version: "v0.3.0"}}},
			want: "evshim v0.3.0 go1.23.1 "},
		{name: "other-library", bi: &debug.BuildInfo{GoVersion: "go1.23.1", Main: debug.Module{Path: "github.com/evshim/evshim/cmd/evshim", Version: "v0.3.0"},
			Deps: []*debug.Module{{Path: "github.com/evshim/evshim", Version: "v0.2.9"}}},
			want: "evshim v0.3.0, library v0.2.9 go1.23.1 "},
		{name: "replaced", bi: &debug.BuildInfo{GoVersion: "go1.23.1", Main: debug.Module{Path: "github.com/evshim/evshim/cmd/evshim", Version: "(devel)"},
			Deps: []*debug.Module{{Path: "github.com/evshim/evshim", Version: "v0.0.0", Replace: &debug.Module{Path: "../.."}}}},
			want: "evshim (devel), library (devel, ../..) go1.23.1 "},
		{name: "empty-version", bi: &debug.BuildInfo{GoVersion: "go1.22.0"}, want: "evshim (devel) go1.22.0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionLine(tt.bi, true)
			if want := tt.want + runtime.GOOS + "/" + runtime.GOARCH; got != want {
				t.Errorf("versionLine = %q, want %q", got, want)
			}
		})
	}
	if got := versionLine(nil, false); !strings.HasPrefix(got, "evshim (unknown) "+runtime.Version()) {
		t.Errorf("without build info: %q", got)
	}
}

// TestErrorPrefixes runs failing command lines and checks that no error
// carries an internal prefix: "loadgen:" (a package name), or "-:" (a
// file name standing for standard input).
func TestErrorPrefixes(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "load", "-n", "0", "http://127.0.0.1:1/"},
		{"bench", "load", "-m", "A B", "http://127.0.0.1:1/"},
		{"bench", "load", "-H", "bad", "http://127.0.0.1:1/"},
		{"bench", "load", "ftp://127.0.0.1/"},
		{"bench", "load", "http://[::1"},
		{"bench", "load", "-s", "1", "http://127.0.0.1:1/"}, // refused: stops at the first error
		{"doctor", "-role", "x"},
		{"doctor", "-conns", "-1"},
		{"version", "x"},
		{"help", "x"},
	} {
		code, _, stderr := evshim(t, args...)
		if code == 0 {
			t.Errorf("evshim %s: exit 0, want a failure", strings.Join(args, " "))
		}
		for _, line := range strings.Split(stderr, "\n") {
			if strings.Contains(line, "loadgen:") || strings.HasPrefix(line, "-:") || strings.Contains(line, ": -:") {
				t.Errorf("evshim %s: stderr line %q has an internal prefix", strings.Join(args, " "), line)
			}
		}
	}
}
