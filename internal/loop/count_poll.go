//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package loop

// CountOut adds n to Stats.BytesOut for bytes a caller moved into the
// socket itself, inside RawWrite: compat/net's sendfile(2) and splice(2)
// paths, whose syscalls the FD does not make.
func (fd *FD) CountOut(n int64) {
	if n > 0 {
		fd.pd.r.counters.bytesOut.Add(uint64(n))
	}
}

// CountIn is CountOut for bytes moved out of the socket inside RawRead
// (splice(2) from it).
func (fd *FD) CountIn(n int64) {
	if n > 0 {
		fd.pd.r.counters.bytesIn.Add(uint64(n))
	}
}
