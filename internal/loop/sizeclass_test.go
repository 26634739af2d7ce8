//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

import (
	"testing"
	"unsafe"
)

// TestSizeClasses keeps what every open connection holds in the size
// classes its fields are laid out for (issue 11 counts RSS per idle
// connection): a field added past one costs every connection the
// difference to the next class.
func TestSizeClasses(t *testing.T) {
	// gnet's poll_opt build keeps a pointer to the poller's attachment
	// in the pollDesc (pdAttachment): one more word, the next class.
	pollDescClass := uintptr(48)
	if pollOpt {
		pollDescClass = 64
	}
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		{"FD", unsafe.Sizeof(FD{}), 80},
		{"pollDesc", unsafe.Sizeof(pollDesc{}), pollDescClass},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, over its %d-byte size class", c.name, c.size, c.max)
		}
	}
}
