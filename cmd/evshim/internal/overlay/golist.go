package overlay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// listedPackage is the part of a "go list -json" package that the overlay
// needs.
type listedPackage struct {
	ImportPath string
	Dir        string
	ForTest    string
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	EmbedFiles []string
	Module     *listedModule
	Error      *struct{ Err string }
}

// listFields names the fields that goList asks for: "go list -json=..."
// computes and prints only those.
const listFields = "ImportPath,Dir,ForTest,Standard,GoFiles,CgoFiles,EmbedFiles,Imports,Module,Error"

// goList runs "go list -e -json=listFields" with args in dir and decodes
// the packages it prints. -e keeps going past broken packages: the build
// that follows reports their errors in the go command's own words.
func goList(dir string, env []string, args ...string) ([]*listedPackage, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=" + listFields}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("go list: %s", msg)
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err != nil {
			if errors.Is(err, io.EOF) {
				return pkgs, nil
			}
			return nil, fmt.Errorf("go list: decoding its output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// listedModule is the module of a listed package.
type listedModule struct {
	Path    string
	Version string
	Main    bool
	Dir     string
	Replace *struct {
		Path    string
		Version string
		Dir     string
	}
}

// goEnv returns the values of the go environment variables names.
func goEnv(dir string, env []string, names ...string) (map[string]string, error) {
	cmd := exec.Command("go", append([]string{"env", "-json"}, names...)...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	vals := map[string]string{}
	if err := json.Unmarshal(out, &vals); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	return vals, nil
}

// name returns the import path that -skip patterns and reports use for p:
// its own path without the " [p.test]" suffix of a test variant, and the
// package under test for an external test package ("p_test").
func (p *listedPackage) name() string {
	path, _, _ := strings.Cut(p.ImportPath, " ")
	if p.ForTest != "" && path == p.ForTest+"_test" {
		return p.ForTest
	}
	return path
}

// evshimOwn reports whether path is one of evshim's own packages, which use
// the standard library on purpose and are never patched.
func evshimOwn(path string) bool {
	return path == module || strings.HasPrefix(path, module+"/")
}
