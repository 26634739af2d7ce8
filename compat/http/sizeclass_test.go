package http

import (
	"testing"
	"unsafe"
)

// TestSizeClasses keeps a conn in the size class its fields are laid out
// for (issue 11 counts RSS per idle connection): a field added past it
// costs every connection the difference to the next class.
func TestSizeClasses(t *testing.T) {
	if size := unsafe.Sizeof(conn{}); size > 128 {
		t.Errorf("conn is %d bytes, over its 128-byte size class", size)
	}
}
