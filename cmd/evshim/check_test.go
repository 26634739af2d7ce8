package main

import (
	"encoding/json"
	"github.com/evshim/evshim/internal/testenv"
	"path/filepath"
	"strings"
	"testing"
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
