//go:build (darwin || dragonfly || freebsd || linux || netbsd || openbsd) && !poll_opt

package loop

// polling runs gnet's Polling, which hands every event to dispatch with
// the descriptor number that gnet keeps in the kernel's event data.
func (r *reactor) polling() error { return r.poller.Polling(r.dispatch) }

// pollOpt reports whether gnet was built with its poll_opt tag.
const pollOpt = false

// pdAttachment is empty in this build: gnet keeps the descriptor number in
// the kernel's event data, not a pointer, so a pollDesc need not keep the
// attachment reachable (see pollDesc).
type pdAttachment struct{}

func (*pdAttachment) keep(*attachment) {}
