package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/evshim/evshim/cmd/evshim/internal/atomicfile"
	"github.com/evshim/evshim/cmd/evshim/internal/rewrite"
)

// swapVersion is part of every cache key. Bump it whenever the output of
// rewrite.InPlace for the same input and swap list changes, so that no
// copy made by an older evshim is reused.
const swapVersion = "evshim-overlay-1"

// DefaultCacheDir returns the directory that holds the patched copies and
// overlay files: $EVSHIM_CACHE when set, else evshim/overlay in the user's
// cache directory (os.UserCacheDir).
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("EVSHIM_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "evshim", "overlay"), nil
}

// cache stores one patched copy per distinct (file content, swap list).
// Entries are written once and never changed, each through a rename, so
// concurrent evshim processes may share a cache directory: two that patch
// the same file write the same bytes.
type cache struct {
	dir   string
	swaps []byte // the swap list, encoded once; part of every key
}

func newCache(dir string, swaps []rewrite.Swap) (*cache, error) {
	enc, err := json.Marshal(swaps)
	if err != nil {
		return nil, err
	}
	return &cache{dir: dir, swaps: enc}, nil
}

// entry is the metadata stored next to a copy; its presence marks the
// entry complete.
type entry struct {
	Changes []rewrite.Change `json:"changes,omitempty"`
	Skipped string           `json:"skipped,omitempty"`
	Copy    bool             `json:"copy,omitempty"` // a copy was written: Changes is not empty
}

// patch returns the patched copy's path for the file at path with content
// src ("" when nothing in it swaps) and the swap's outcome. reused reports
// whether the entry came from the cache, with no rewrite work.
func (c *cache) patch(path string, src []byte, swaps []rewrite.Swap) (copyPath string, e entry, reused bool, err error) {
	h := sha256.New()
	h.Write([]byte(swapVersion))
	h.Write([]byte{0})
	h.Write(c.swaps)
	h.Write([]byte{0})
	h.Write(src)
	key := hex.EncodeToString(h.Sum(nil))
	// The copy keeps the original's base name: the go command reads build
	// constraints from the original's name, but a person reading a
	// "go build -x" log sees which file a copy stands for.
	base := filepath.Join(c.dir, key[:2], key)
	copyPath = base + "-" + filepath.Base(path)
	meta := base + ".json"

	if b, err := os.ReadFile(meta); err == nil && json.Unmarshal(b, &e) == nil {
		if !e.Copy {
			return "", e, true, nil
		}
		if _, err := os.Stat(copyPath); err == nil {
			return copyPath, e, true, nil
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", entry{}, false, err
	}

	res, err := rewrite.InPlace(path, src, swaps)
	if err != nil {
		return "", entry{}, false, err
	}
	e = entry{Changes: res.Changes, Skipped: res.Skipped, Copy: res.Changed()}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return "", entry{}, false, err
	}
	if e.Copy {
		if err := writeOnce(copyPath, res.Out); err != nil {
			return "", entry{}, false, err
		}
	} else {
		copyPath = ""
	}
	mb, err := json.Marshal(e)
	if err != nil {
		return "", entry{}, false, err
	}
	if err := writeOnce(meta, mb); err != nil {
		return "", entry{}, false, err
	}
	return copyPath, e, false, nil
}

// writeOnce writes b to path so that a reader never sees a partial file
// (the cache is read by concurrent builds).
func writeOnce(path string, b []byte) error { return atomicfile.Write(path, b, 0o600) }
