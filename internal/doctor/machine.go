package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// machine is what one Run reads: a proc root and this process's file
// limit. It is built by Config.machine and read-only afterwards.
type machine struct {
	root     string // proc root; "" when there is none to read
	nofile   Rlimit
	nofileOK error // nil when nofile was read
	// inherited is the RLIMIT_NOFILE this process started with; read by
	// Run only, as it may start a process.
	inherited   Rlimit
	inheritedOK error // nil when inherited was read
	pageSize    int
}

// errNoProc is the reason sysctl checks are skipped on systems without a
// Linux /proc.
var errNoProc = errors.New("no /proc/sys on " + runtime.GOOS)

func (c Config) machine() (*machine, error) {
	m := &machine{root: c.Proc, pageSize: c.PageSize}
	if m.root == "" && runtime.GOOS == "linux" {
		m.root = "/proc"
	}
	if m.root != "" {
		fi, err := os.Stat(filepath.Join(m.root, "sys"))
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			return nil, &fs.PathError{Op: "stat", Path: filepath.Join(m.root, "sys"), Err: errors.New("not a directory")}
		}
	}
	if m.pageSize <= 0 {
		m.pageSize = os.Getpagesize()
	}
	read := c.Nofile
	if read == nil {
		read = getNofile
	}
	m.nofile, m.nofileOK = read()
	return m, nil
}

// path returns the file behind a sysctl key: net.core.somaxconn is
// <root>/sys/net/core/somaxconn.
func (m *machine) path(key string) string {
	return filepath.Join(m.root, "sys", filepath.FromSlash(strings.ReplaceAll(key, ".", "/")))
}

// read returns the trimmed contents of the sysctl key.
func (m *machine) read(key string) (string, error) {
	if m.root == "" {
		return "", errNoProc
	}
	b, err := os.ReadFile(m.path(key))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// display returns the sysctl key's value as one line with single spaces
// ("32768 60999", not the kernel's tab), or why it could not be read.
func (m *machine) display(key string) string {
	s, err := m.read(key)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return strings.Join(strings.Fields(s), " ")
}

// exists reports whether the sysctl key is present: a removed knob such as
// tcp_tw_recycle, or one whose module is not loaded, has no file.
func (m *machine) exists(key string) bool {
	if m.root == "" {
		return false
	}
	_, err := os.Stat(m.path(key))
	return err == nil
}

// ints reads the sysctl key as whitespace-separated integers and checks
// that there are n of them.
func (m *machine) ints(key string, n int) ([]int64, error) {
	s, err := m.read(key)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(s)
	if len(f) != n {
		return nil, fmt.Errorf("%s: %q: want %d numbers", key, s, n)
	}
	v := make([]int64, n)
	for i, x := range f {
		if v[i], err = strconv.ParseInt(x, 10, 64); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return v, nil
}

// int reads the sysctl key as one integer.
func (m *machine) int(key string) (int64, error) {
	v, err := m.ints(key, 1)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// write sets the sysctl key without creating it: a key the kernel does not
// have must fail rather than leave a stray file in a fixture tree.
func (m *machine) write(key, value string) error {
	if m.root == "" {
		return errNoProc
	}
	f, err := os.OpenFile(m.path(key), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
