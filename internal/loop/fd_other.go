//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package loop

// FD exists where there is no loop only so that portable callers compile;
// FDOf never returns one, and Register fails.
type FD struct{}

func (*FD) TryRead([]byte) (int, error)  { return 0, ErrUnavailable }
func (*FD) OnReadable(ReadHandler) error { return ErrUnavailable }
func (*FD) ReleaseTimers()               {}
func (*FD) DropReadHandler()             {}
func (*FD) PeekClosed() bool             { return false }
func (*FD) Post(func()) error            { return ErrUnavailable }
func (*FD) OnLoop() bool                 { return false }

// pdAttachment is empty where there is no poller (see pollDesc).
type pdAttachment struct{}
