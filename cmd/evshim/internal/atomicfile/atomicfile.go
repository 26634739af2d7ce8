// Package atomicfile writes files through a temporary file and a rename,
// so that a reader never sees a partial file and a failure never leaves
// one half written.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path's content with b, with permissions perm. The
// temporary file is made in path's directory, so the rename stays on one
// file system.
func Write(path string, b []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".evshim-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), perm)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
