package rewrite_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
	"github.com/evshim/evshim/internal/testenv"
)

func TestFiles(t *testing.T) {
	testenv.IsolateGo(t)
	root := t.TempDir()
	testenv.WriteTree(t, root, map[string]string{
		"go.mod":                      "module example.com/app\n\ngo 1.26\n",
		"main.go":                     "package main\n\nfunc main() {}\n",
		"srv/srv.go":                  "package srv\n",
		"srv/srv_test.go":             "package srv_test\n",
		"srv/srv_windows.go":          "package srv\n",
		"srv/_scratch.go":             "package srv\n",
		"srv/.hidden.go":              "package srv\n",
		"srv/notes.txt":               "not Go\n",
		"onlytests/x_test.go":         "package onlytests\n",
		"vendor/example.com/v/v.go":   "package v\n",
		"srv/testdata/fixture/fix.go": "package fixture\n",
	})
	files, skipped, err := rewrite.Files(root, []string{"./...", "net"})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = filepath.ToSlash(rel)
	}
	slices.Sort(files)
	want := []string{"main.go", "onlytests/x_test.go", "srv/srv.go", "srv/srv_test.go", "srv/srv_windows.go"}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	wantSkip := []rewrite.Skip{{Path: "net", Reason: "not in the main module"}}
	if diff := cmp.Diff(wantSkip, skipped); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}

	if _, _, err := rewrite.Files(root, []string{"./missing"}); err == nil {
		t.Error("Files(./missing) succeeded, want an error")
	}
}
