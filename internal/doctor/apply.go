package doctor

import (
	"errors"
	"io/fs"
	"syscall"
)

// Change is what Apply did, or could not do, for one value. Every Change
// says why: Reason why the value should change, Why why it was not.
type Change struct {
	Name   string `json:"name"`             // sysctl key, or the check's name when there is no value to write
	From   string `json:"from,omitempty"`   // the value before
	To     string `json:"to,omitempty"`     // the value written, or that would have been
	After  string `json:"after,omitempty"`  // the value read back afterwards
	Done   bool   `json:"done"`             // the value was written
	Reason string `json:"reason,omitempty"` // why the value should change: the shortfall it fixes
	Why    string `json:"why,omitempty"`    // when not Done: why not
}

// Apply writes the sysctl values that fix r's failing checks, in r's
// order, and returns one Change per value, written or not, with the value
// before and after and the reason; one per value it leaves alone on
// purpose (tcp_tw_reuse=2, for one); and one per failing check it cannot
// fix (RLIMIT_NOFILE belongs to each process). It never lowers a value.
// Writes go to /proc/sys directly: they need root and last until reboot;
// each check's Fix holds the sysctl.d line that persists it.
//
// r must come from Run with the same cfg. Apply returns an error only when
// cfg's proc root cannot be used; a write that fails is a Change with Why.
// Run again afterwards to see the new state.
func Apply(cfg Config, r *Report) ([]Change, error) {
	m, err := cfg.machine()
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, c := range r.Checks {
		for _, s := range c.held {
			now := m.display(s.key)
			out = append(out, Change{Name: s.key, From: now, To: s.value, After: now, Why: s.why})
		}
		if c.Status != Fail {
			continue
		}
		if len(c.set) == 0 {
			why := c.cantFix
			if why == "" {
				why = "no value to write; see the fix lines"
			}
			out = append(out, Change{Name: c.Name, Why: why})
			continue
		}
		for _, s := range c.set {
			from := m.display(s.key)
			ch := Change{Name: s.key, From: from, To: s.value, Reason: s.why}
			if err := m.write(s.key, s.value); err != nil {
				ch.Why = writeError(err)
			} else {
				ch.Done = true
			}
			ch.After = m.display(s.key)
			out = append(out, ch)
		}
	}
	return out, nil
}

// writeError explains why a /proc/sys write failed.
func writeError(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "writing /proc/sys needs root: " + err.Error()
	case errors.Is(err, syscall.EROFS):
		return "/proc/sys is read-only here (an unprivileged container?); set it on the host or with the runtime's sysctl option: " + err.Error()
	case errors.Is(err, fs.ErrNotExist):
		return "this kernel has no such setting: " + err.Error()
	case errors.Is(err, syscall.EINVAL):
		return "the kernel rejected the value: " + err.Error()
	}
	return err.Error()
}
