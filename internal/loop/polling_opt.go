//go:build (darwin || dragonfly || freebsd || linux || netbsd || openbsd) && poll_opt

package loop

// polling runs gnet's Polling as built with its poll_opt tag: the kernel's
// event data holds a pointer to each descriptor's PollAttachment, whose
// Callback (dispatch, set by register) gets the event.
func (r *reactor) polling() error { return r.poller.Polling() }

// pollOpt reports whether gnet was built with its poll_opt tag.
const pollOpt = true

// pdAttachment keeps a descriptor's attachment reachable while the kernel
// holds a pointer to it (see pollDesc).
type pdAttachment struct{ att *attachment }

func (p *pdAttachment) keep(a *attachment) { p.att = a }
