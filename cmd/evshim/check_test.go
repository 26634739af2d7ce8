package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evshim/evshim/internal/testenv"
)

// TestCheckExitStatus runs check over the app before and after a rewrite.
func TestCheckExitStatus(t *testing.T) {
	writeApp(t)
	testenv.WriteTree(t, ".", map[string]string{
		"assert/assert.go": "package assert\n\nimport \"net\"\n\nfunc IsTCP(ln net.Listener) bool { _, ok := ln.(*net.TCPListener); return ok }\n",
		"broken/broken.go": "package broken\n\nvar x int = \"s\"\n",
	})

	code, out, errOut := runEvshim(t, "check", "./clean")
	if code != 0 || out != "" {
		t.Errorf("check ./clean: exit %d, stdout %q; want 0 and nothing; stderr:\n%s", code, out, errOut)
	}

	code, out, errOut = runEvshim(t, "check", "./srv")
	want := filepath.FromSlash("srv/srv.go") + `:3: "net" imported directly`
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("check ./srv: exit %d, stdout %q; want 1 and %q; stderr:\n%s", code, out, want, errOut)
	}
	if code, _, _ := runEvshim(t, "check", "-strict=false", "./srv"); code != 0 {
		t.Errorf("check -strict=false ./srv: exit %d, want 0 (imports only)", code)
	}
	if code, _, _ := runEvshim(t, "check", "-strict=false", "./assert"); code != 1 {
		t.Errorf("check -strict=false ./assert: exit %d, want 1 (an assertion)", code)
	}

	code, out, _ = runEvshim(t, "check", "-json", "-only=assertions", "./assert", "./srv")
	var findings []struct {
		Kind string
		Pos  struct {
			Filename string
			Line     int
		}
		Message string
	}
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != 1 || len(findings) != 1 || findings[0].Kind != "assertions" || findings[0].Pos.Line != 5 ||
		!strings.Contains(findings[0].Message, "*net.TCPListener never matches") {
		t.Errorf("check -json -only=assertions: exit %d, findings %+v", code, findings)
	}

	if code, _, errOut := runEvshim(t, "check", "./broken"); code != 2 || !strings.Contains(errOut, "broken.go") {
		t.Errorf("check ./broken: exit %d, want 2 and the type error; stderr:\n%s", code, errOut)
	}

	if code, _, errOut := runEvshim(t, "rewrite", "-w", "./srv", "main.go"); code != 0 {
		t.Fatalf("rewrite: exit %d; stderr:\n%s", code, errOut)
	}
	// srv/gen.go, being generated, still imports net.
	code, out, _ = runEvshim(t, "check", ".", "./srv")
	if want := filepath.FromSlash("srv/gen.go") + `:5: "net" imported directly`; code != 1 || !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("check after rewrite: exit %d, stdout %q; want only %q", code, out, want)
	}
}

// TestCheckDelegated checks, against the real coverage matrix, that a call
// of a delegated function that does I/O is reported and a call of one that
// does none (a NoIO row) is not.
func TestCheckDelegated(t *testing.T) {
	app := writeApp(t)
	testenv.WriteTree(t, filepath.Join(app, "..", "evshim"), map[string]string{
		"compat/net/lookup.go": `package net

import "net"

func LookupHost(host string) ([]string, error) { return net.LookupHost(host) }

func JoinHostPort(host, port string) string { return net.JoinHostPort(host, port) }
`,
	})
	testenv.WriteTree(t, ".", map[string]string{
		"resolve/resolve.go": `package resolve

import "github.com/evshim/evshim/compat/net"

func Addrs(host string) ([]string, error) {
	addrs, err := net.LookupHost(host)
	for i, a := range addrs {
		addrs[i] = net.JoinHostPort(a, "80")
	}
	return addrs, err
}
`,
	})
	code, out, errOut := runEvshim(t, "check", "-strict=false", "./resolve")
	want := filepath.FromSlash("resolve/resolve.go") + ":6: net.LookupHost is delegated to the standard library"
	if code != 1 || !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("check ./resolve: exit %d, stdout %q; want 1 and only %q...; stderr:\n%s", code, out, want, errOut)
	}
}

func TestCheckUsage(t *testing.T) {
	testenv.IsolateGo(t)
	if code, _, errOut := runEvshim(t, "check", "-h"); code != 0 || !strings.Contains(errOut, "Examples:") {
		t.Errorf("check -h: exit %d; stderr:\n%s", code, errOut)
	}
	if code, _, _ := runEvshim(t, "check", "-only=nothing"); code != 2 {
		t.Errorf("check -only=nothing: exit %d, want 2", code)
	}
}

// writeCheckModule copies the module testdata/check/name into a temporary
// directory, as example.com/name requiring this repository's library,
// changes into it and returns it. The module gets the library's go.sum and
// -mod=mod, so that the go command adds the requirements it needs from the
// library's own module graph, with the proxy off.
func writeCheckModule(t *testing.T, name string) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("testdata", "check", name)
	files := map[string]string{
		"go.mod": "module example.com/" + name + "\n\ngo 1.22\n\nrequire github.com/evshim/evshim v0.0.0\n\nreplace github.com/evshim/evshim => " + repo + "\n",
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(sum)
	err = filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	testenv.IsolateGo(t)
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := t.TempDir()
	testenv.WriteTree(t, dir, files)
	t.Chdir(dir)
	return dir
}

// vetTool builds the evshim-check command for go vet -vettool.
func vetTool(t *testing.T) string {
	t.Helper()
	tool := filepath.Join(t.TempDir(), "evshim-check")
	cmd := exec.Command("go", "build", "-o", tool, "./internal/compatcheck/cmd/evshim-check")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building evshim-check: %v\n%s", err, out)
	}
	return tool
}

// goVet runs go vet with tool over ./... and returns its exit status and
// its findings as "file:line: message" lines, sorted as strings (go vet
// adds the column and prints packages as they finish).
func goVet(t *testing.T, tool string) (int, string) {
	t.Helper()
	out, err := exec.Command("go", "vet", "-vettool="+tool, "./...").CombinedOutput()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	col := regexp.MustCompile(`^([^:]+:\d+):\d+: `)
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, col.ReplaceAllString(l, "$1: "))
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return code, ""
	}
	return code, strings.Join(lines, "\n") + "\n"
}

// TestCheckCleanModule checks a multi-package module that uses only compat
// packages, and so reaches evshim's own dependencies (gnet's zap logger,
// x/net's httpguts) through them: nothing to report, from evshim check and
// from go vet alike, tests included.
func TestCheckCleanModule(t *testing.T) {
	tool := vetTool(t)
	writeCheckModule(t, "clean")
	if code, out, errOut := runEvshim(t, "check", "./..."); code != 0 || out != "" || errOut != "" {
		t.Errorf("evshim check ./...: exit %d, stdout %q, stderr %q; want 0 and nothing", code, out, errOut)
	}
	if code, out := goVet(t, tool); code != 0 || out != "" {
		t.Errorf("go vet -vettool=evshim-check ./...: exit %d, output:\n%s", code, out)
	}
}

// TestCheckBypassModule checks a module with each construct that bypasses
// the loop although its file imports compat packages, and a generated file
// that imports net: one finding each, as want.txt lists them, from evshim
// check and from go vet alike, and no position outside the module (such
// as the generated test main in the build cache).
func TestCheckBypassModule(t *testing.T) {
	tool := vetTool(t)
	wantB, err := os.ReadFile(filepath.Join("testdata", "check", "bypass", "want.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeCheckModule(t, "bypass")
	code, out, errOut := runEvshim(t, "check", "./...")
	if diff := cmp.Diff(string(wantB), filepath.ToSlash(out)); code != 1 || diff != "" {
		t.Errorf("evshim check ./...: exit %d, findings mismatch (-want +got):\n%s\nstderr:\n%s", code, diff, errOut)
	}
	// go vet prints the same findings, in the order its packages finish.
	wantSorted := strings.Split(strings.TrimSuffix(string(wantB), "\n"), "\n")
	sort.Strings(wantSorted)
	code, vetOut := goVet(t, tool)
	if diff := cmp.Diff(strings.Join(wantSorted, "\n")+"\n", filepath.ToSlash(vetOut)); code == 0 || diff != "" {
		t.Errorf("go vet: exit %d, findings mismatch (-want +got):\n%s", code, diff)
	}

	// Before the rewrite, the handler asserts to net/http's Server: that
	// never matches once compat/http serves it, and is reported too.
	if code, _, errOut := runEvshim(t, "rewrite", "-w", "-revert", "handler.go"); code != 0 {
		t.Fatalf("rewrite -revert handler.go: exit %d\n%s", code, errOut)
	}
	_, out, _ = runEvshim(t, "check", "./...")
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "handler.go:") {
			got = append(got, l)
		}
	}
	wantLines := []string{
		`handler.go:3: "net/http" imported directly: its traffic bypasses the evshim loop (import github.com/evshim/evshim/compat/http instead; evshim rewrite does it)`,
		`handler.go:8: type assertion to *net/http.Server on the ServerContextKey value never matches once compat/http serves the request, which stores its own *Server there: assert to github.com/evshim/evshim/compat/http's *Server (import it in place of net/http)`,
	}
	if diff := cmp.Diff(wantLines, got); diff != "" {
		t.Errorf("check before the rewrite: handler.go findings mismatch (-want +got):\n%s", diff)
	}
}
