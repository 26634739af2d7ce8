package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evshim/evshim/internal/doctor"
)

// fixture is the path of one of internal/doctor's fixture /proc trees.
func fixture(name string) string {
	return filepath.Join("..", "..", "internal", "doctor", "testdata", name)
}

// fixedNofile makes doctor see the given RLIMIT_NOFILE for one test.
func fixedNofile(t *testing.T, soft, hard uint64) {
	t.Helper()
	testHookDoctorNofile = func() (doctor.Rlimit, error) { return doctor.Rlimit{Soft: soft, Hard: hard}, nil }
	testHookDoctorInherited = testHookDoctorNofile
	t.Cleanup(func() { testHookDoctorNofile, testHookDoctorInherited = nil, nil })
}

// evshim runs the command line args and returns the exit status and output.
func evshim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDoctorExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   int
		reason string
	}{
		{name: "pass", args: []string{"-proc", fixture("pass"), "-conns", "10000", "-rate", "500"}, want: 0,
			reason: "every check of the tuned fixture passes"},
		{name: "noconntrack", args: []string{"-proc", fixture("noconntrack"), "-conns", "10000", "-rate", "500"}, want: 0,
			reason: "a missing conntrack table is skipped, not failed"},
		{name: "fail", args: []string{"-proc", fixture("fail"), "-conns", "100000", "-rate", "5000"}, want: 1,
			reason: "the untuned fixture fails"},
		{name: "help", args: []string{"-h"}, want: 0, reason: "help was asked for"},
		{name: "unknown-flag", args: []string{"-bogus"}, want: 2, reason: "usage error"},
		{name: "argument", args: []string{"extra"}, want: 2, reason: "doctor takes no arguments"},
		{name: "negative", args: []string{"-conns", "-1"}, want: 2, reason: "usage error"},
		{name: "missing-proc", args: []string{"-proc", filepath.Join(t.TempDir(), "missing")}, want: 2,
			reason: "nothing to read is a failure to run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixedNofile(t, 65536, 65536)
			code, _, stderr := evshim(t, append([]string{"doctor"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("evshim doctor %s: exit %d, want %d (%s)\nstderr:\n%s", strings.Join(tt.args, " "), code, tt.want, tt.reason, stderr)
			}
		})
	}
}

func TestDoctorHelp(t *testing.T) {
	_, _, stderr := evshim(t, "doctor", "-h")
	for _, want := range []string{"-conns N", "-rate R", "-apply", "-json", "examples:", "exit status:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "-proc") {
		t.Errorf("help shows the hidden -proc flag:\n%s", stderr)
	}
}

func TestDoctorJSON(t *testing.T) {
	fixedNofile(t, 1024, 4096)
	code, stdout, stderr := evshim(t, "doctor", "-proc", fixture("fail"), "-conns", "100000", "-rate", "5000", "-json")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", code, stderr)
	}
	var r doctor.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("output is not a JSON report: %v\n%s", err, stdout)
	}
	if r.Conns != 100000 || r.Rate != 5000 || r.Count(doctor.Fail) == 0 || r.Facts.Somaxconn != 128 {
		t.Errorf("report = conns %d rate %d, %d failed, somaxconn %d; want 100000, 5000, some failed, 128",
			r.Conns, r.Rate, r.Count(doctor.Fail), r.Facts.Somaxconn)
	}
}

func TestDoctorApply(t *testing.T) {
	fixedNofile(t, 65536, 65536)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixture("fail"))); err != nil {
		t.Fatal(err)
	}
	// 20k connections at 100/s: every failing setting of the fixture is a
	// sysctl that -apply can write, so afterwards nothing fails.
	args := []string{"doctor", "-proc", dir, "-conns", "20000", "-rate", "100"}
	if code, _, _ := evshim(t, args...); code != 1 {
		t.Fatalf("before -apply: exit %d, want 1", code)
	}
	code, stdout, stderr := evshim(t, append(args, "-apply")...)
	if code != 0 {
		t.Errorf("with -apply: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "changed  net.ipv4.tcp_tw_recycle: 1 -> 0") {
		t.Errorf("-apply output does not report the tcp_tw_recycle change:\n%s", stdout)
	}
	if code, stdout, _ := evshim(t, args...); code != 0 {
		t.Errorf("after -apply: exit %d, want 0\n%s", code, stdout)
	}
}

// TestDoctorHere runs doctor against this machine. Its verdict varies with
// the machine; it must run and say something either way.
func TestDoctorHere(t *testing.T) {
	code, stdout, stderr := evshim(t, "doctor", "-conns", "1000", "-v")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d, want 0 or 1\nstderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "evshim doctor: 1000 connections") || !strings.Contains(stdout, "RLIMIT_NOFILE") {
		t.Errorf("unexpected output:\n%s", stdout)
	}
}

func TestDoctorRole(t *testing.T) {
	fixedNofile(t, 65536, 65536)
	// 60k connections against the tuned fixture: only its 55536 local
	// ports fall short, and only a machine that dials needs them.
	tests := []struct {
		role string
		want int
	}{
		{role: "serve", want: 0},
		{role: "load", want: 1},
		{role: "both", want: 1},
	}
	for _, tt := range tests {
		code, stdout, stderr := evshim(t, "doctor", "-proc", fixture("pass"), "-conns", "60000", "-role", tt.role)
		if code != tt.want {
			t.Errorf("-role %s: exit %d, want %d\n%s%s", tt.role, code, tt.want, stdout, stderr)
		}
		if !strings.Contains(stdout, ", role "+tt.role) {
			t.Errorf("-role %s: the heading does not name the role:\n%s", tt.role, stdout)
		}
	}
	code, _, stderr := evshim(t, "doctor", "-role", "proxy")
	if code != 2 || !strings.Contains(stderr, `-role "proxy": want serve, load or both`) {
		t.Errorf("-role proxy: exit %d, stderr %q; want 2 and the flag named", code, stderr)
	}
	code, _, stderr = evshim(t, "doctor", "-rate", "-3")
	if code != 2 || !strings.Contains(stderr, "-rate -3: want 0 or more") {
		t.Errorf("-rate -3: exit %d, stderr %q; want 2 and the flag named", code, stderr)
	}
}
