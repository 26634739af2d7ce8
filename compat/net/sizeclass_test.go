//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"testing"
	"unsafe"
)

// TestSizeClasses keeps an accepted TCP connection in the size class its
// fields are laid out for (issue 11 counts RSS per idle connection): a
// field added past it costs every connection the difference to the next
// class.
func TestSizeClasses(t *testing.T) {
	if size := unsafe.Sizeof(tcpConn{}); size > 80 {
		t.Errorf("tcpConn is %d bytes, over its 80-byte size class", size)
	}
}
