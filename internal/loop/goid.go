package loop

import (
	"bytes"
	"runtime"
	"strconv"
)

// goid returns the calling goroutine's id, parsed from the first line of its
// stack trace ("goroutine 42 [running]:"). It costs about a microsecond, so
// it is used only off the hot paths: once per reactor at start, and by
// InLoop, which callers consult only before they would block.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
