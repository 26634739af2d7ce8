package doctor

import "fmt"

// reserveFDs is the headroom on top of the connection count: stdin, stdout
// and stderr, listeners, the loop's poller and wake descriptors (two per
// reactor), log files, DNS lookups and accepts in flight.
const reserveFDs = 256

// nofileNeed is the RLIMIT_NOFILE that t needs.
func nofileNeed(t target) int64 { return t.conns + reserveFDs }

// nofileNote says what a Go process does with its soft limit. Since Go 1.19
// the runtime raises its own soft limit to the hard limit at start
// (go.dev/issue/46279; current releases set hard-1, src/syscall/rlimit.go) and
// restores the inherited value for the children os/exec starts.
const nofileNote = "Go programs (1.19 on) raise their soft limit to the hard limit at start (go.dev/issue/46279; " +
	"current releases set hard-1) and give the children they start the inherited one back. So for an evshim server " +
	"the hard limit decides, while programs in other languages, and Go programs that set the limit themselves, " +
	"run with the inherited soft limit"

// checkNofile checks RLIMIT_NOFILE: each connection is one descriptor, and
// accept or dial past the soft limit fails with EMFILE. It reports the
// soft limit twice, as programs find it (inherited) and as a Go program
// has it after the runtime raised it (this process's), so that neither
// is mistaken for the other.
func checkNofile(m *machine, t target) []Check {
	if m.nofileOK != nil {
		return []Check{skipped("RLIMIT_NOFILE", m.nofileOK)}
	}
	need := nofileNeed(t)
	needs := fmt.Sprintf(">= %d (%d connections + %d reserve)", need, t.conns, reserveFDs)
	lim := m.nofile
	var out []Check

	const inheritedName = "RLIMIT_NOFILE soft, inherited"
	if m.inheritedOK != nil {
		c := skipped(inheritedName, m.inheritedOK)
		c.Note = nofileNote
		out = append(out, c)
	} else {
		c := Check{Name: inheritedName, Value: formatLimit(m.inherited.Soft) + " (what the calling shell gives every program)",
			Need: needs, Status: OK, Note: nofileNote}
		if m.inherited.Soft < uint64(need) {
			c.Status = Warn
			c.Fix = []string{fmt.Sprintf("ulimit -Sn %d  # in the shell that starts a program that does not raise its own limit (up to the hard limit)", need)}
		}
		out = append(out, c)
	}

	goSoft := Check{Name: "RLIMIT_NOFILE soft, Go programs", Value: formatLimit(lim.Soft) + " (this Go process's, after the runtime raised it)",
		Need: needs, Status: OK,
		Note: "the soft limit an evshim server has once running: the hard limit, or hard-1, whatever the shell's soft limit"}
	if lim.Soft < uint64(need) {
		goSoft.Status = Warn
		goSoft.Fix = []string{"# follows the hard limit: raise RLIMIT_NOFILE hard"}
	}
	out = append(out, goSoft)

	hard := Check{Name: "RLIMIT_NOFILE hard", Value: formatLimit(lim.Hard), Need: needs, Status: OK,
		Note: "the ceiling for the soft limit; only root raises it, and never above fs.nr_open"}
	if lim.Hard < uint64(need) {
		hard.Status = Fail
		hard.cantFix = "RLIMIT_NOFILE belongs to each process: evshim doctor could raise only its own, " +
			"which no server inherits; set it where the server starts"
		hard.Fix = []string{
			fmt.Sprintf("LimitNOFILE=%d  # [Service] section of the server's systemd unit (units do not read limits.conf)", need),
			fmt.Sprintf("ulimit -n %d  # as root, in the shell or script that starts the server", need),
			fmt.Sprintf("* - nofile %d  # /etc/security/limits.d/90-evshim.conf, for login sessions (pam_limits)", need),
			fmt.Sprintf("docker run --ulimit nofile=%d:%d ...  # containers", need, need),
		}
	}
	return append(out, hard)
}

// checkFiles checks the system-wide file limits behind RLIMIT_NOFILE.
func checkFiles(m *machine, t target) []Check {
	need := nofileNeed(t)
	var out []Check

	if v, err := m.int("fs.nr_open"); err != nil {
		out = append(out, skipped("fs.nr_open", err))
	} else {
		c := Check{Name: "fs.nr_open", Value: itoa(v), Need: fmt.Sprintf(">= %d (the RLIMIT_NOFILE need)", need), Status: OK,
			Note: "the most descriptors one process may have: setrlimit(2) and LimitNOFILE= above it fail with EPERM"}
		if v < need {
			c = c.withSet("fs.nr_open", itoa(need),
				fmt.Sprintf("%d < %d: no process may raise RLIMIT_NOFILE above fs.nr_open", v, need))
		}
		out = append(out, c)
	}

	max, err := m.int("fs.file-max")
	if err != nil {
		return append(out, skipped("fs.file-max", err))
	}
	nr, err := m.ints("fs.file-nr", 3)
	if err != nil {
		return append(out, skipped("fs.file-max", err))
	}
	allocated := nr[0]
	c := Check{Name: "fs.file-max", Value: fmt.Sprintf("%d (%d in use, fs.file-nr)", max, allocated),
		Need: fmt.Sprintf(">= %d (%d in use + %d)", allocated+need, allocated, need), Status: OK,
		Note: "open files of all processes together; past it open, accept and dial fail with ENFILE. " +
			"In-use counts every process, the server's own connections too when it runs"}
	if max < allocated+need {
		c = c.withSet("fs.file-max", itoa(allocated+need),
			fmt.Sprintf("%d < %d: open, accept and dial fail with ENFILE past it", max, allocated+need))
	}
	return append(out, c)
}
