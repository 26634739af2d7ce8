package doctor

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is the target to check and where to read the machine's settings.
// The zero value checks this machine for a process with no connections.
type Config struct {
	// Role is what the machine does with its connections: [Serve],
	// [Load] or [Both]. Each role is judged on the settings it needs
	// only; the others are reported as skipped. Empty means Both.
	Role Role
	// Conns is the number of connections one process holds open at the
	// same time. A benchmark that dials and serves in one process holds
	// two descriptors per connection: pass twice the count.
	Conns int
	// Rate is the number of new connections per second. Zero skips the
	// TIME_WAIT arithmetic.
	Rate int
	// Proc is the root of the proc filesystem. Empty means /proc on Linux;
	// elsewhere it means there is none and the sysctl checks are skipped.
	Proc string
	// Nofile returns the RLIMIT_NOFILE to check. Nil means this process's,
	// from getrlimit(2): since Go 1.19 a soft limit the Go runtime raised
	// at start.
	Nofile func() (Rlimit, error)
	// Inherited returns the RLIMIT_NOFILE this process was started with,
	// before the Go runtime raised its soft limit: what a shell gives every
	// program it starts. Nil means asking a child shell ("ulimit -Sn;
	// ulimit -Hn"), since os/exec starts children with the inherited soft
	// limit restored.
	Inherited func() (Rlimit, error)
	// PageSize is the unit of net.ipv4.tcp_mem. Zero means os.Getpagesize.
	PageSize int
}

// Role is what a machine does with its connections.
type Role string

const (
	// Serve accepts connections: it needs descriptors and listen queues,
	// and no local ports (an accepted connection uses the listener's).
	Serve Role = "serve"
	// Load dials connections, as a load generator, a proxy or a client
	// does: it needs descriptors and local ports, and no listen queues.
	Load Role = "load"
	// Both dials and serves, as a benchmark on one host does.
	Both Role = "both"
)

// serves reports whether r accepts connections.
func (r Role) serves() bool { return r != Load }

// dials reports whether r dials connections.
func (r Role) dials() bool { return r != Serve }

// Status is the verdict on one setting.
type Status int

const (
	OK   Status = iota // the setting meets the target
	Skip               // not checked: not applicable here, or unreadable
	Warn               // works, with a cost worth knowing; does not fail Run
	Fail               // the target cannot be met until the setting changes
)

var statusNames = [...]string{OK: "ok", Skip: "skip", Warn: "warn", Fail: "fail"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "Status(" + strconv.Itoa(int(s)) + ")"
	}
	return statusNames[s]
}

// MarshalText encodes s as its name, so JSON shows "fail" and not 3.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if string(b) == n {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("doctor: unknown status %q", b)
}

// Check is the result for one setting.
type Check struct {
	Name   string   `json:"name"`           // sysctl key, or "RLIMIT_NOFILE soft"/"RLIMIT_NOFILE hard"
	Value  string   `json:"value"`          // as read, or why it could not be read
	Need   string   `json:"need,omitempty"` // what the target needs, with the formula's result
	Status Status   `json:"status"`
	Note   string   `json:"note,omitempty"` // what the setting limits and how Need was computed
	Fix    []string `json:"fix,omitempty"`  // commands or unit settings that raise it; set when Status is Warn or Fail

	set     []sysctl // what Apply writes for a Fail; empty when it can write nothing
	held    []sysctl // values Apply could write but leaves alone on purpose; why says why
	cantFix string   // for a Fail that Apply cannot fix: why not
}

// sysctl is one value Apply may write, and why: the reason is printed next
// to the change, so that no value changes without one.
type sysctl struct{ key, value, why string }

// Report is the result of Run.
type Report struct {
	Role    Role     `json:"role"`
	Conns   int      `json:"conns"`
	Rate    int      `json:"rate"`
	Facts   Facts    `json:"facts"`
	Checks  []Check  `json:"checks"`
	Applied []Change `json:"applied,omitempty"` // filled in by the caller after Apply
}

// Status returns the worst status of the checks: Fail if any failed.
func (r *Report) Status() Status {
	worst := OK
	for _, c := range r.Checks {
		if c.Status == Fail || (c.Status == Warn && worst != Fail) {
			worst = c.Status
		}
	}
	return worst
}

// Count returns the number of checks with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// Run reads the machine's settings and checks them against cfg. It
// changes nothing. The error is non-nil only when cfg.Proc (or /proc on
// Linux) has no sys directory; a single unreadable setting is a Skip.
func Run(cfg Config) (*Report, error) {
	if cfg.Conns < 0 || cfg.Rate < 0 {
		return nil, fmt.Errorf("doctor: negative target: %d connections, %d per second", cfg.Conns, cfg.Rate)
	}
	role := cfg.Role
	switch role {
	case "":
		role = Both
	case Serve, Load, Both:
	default:
		return nil, fmt.Errorf("doctor: unknown role %q; want serve, load or both", role)
	}
	m, err := cfg.machine()
	if err != nil {
		return nil, err
	}
	read := cfg.Inherited
	if read == nil {
		read = getInherited
	}
	m.inherited, m.inheritedOK = read()
	t := target{role: role, conns: int64(cfg.Conns), rate: int64(cfg.Rate)}
	r := &Report{Role: role, Conns: cfg.Conns, Rate: cfg.Rate, Facts: readFacts(m)}
	r.Checks = append(r.Checks, checkNofile(m, t)...)
	if m.root == "" {
		r.Checks = append(r.Checks, Check{Name: "sysctl", Value: errNoProc.Error(), Status: Skip,
			Note: "the kernel settings below RLIMIT_NOFILE are Linux's; see docs/tuning.md for what other systems call them"})
		return r, nil
	}
	r.Checks = append(r.Checks, checkFiles(m, t)...)
	r.Checks = append(r.Checks, checkPorts(m, t)...)
	r.Checks = append(r.Checks, checkBacklog(m, t)...)
	r.Checks = append(r.Checks, checkConntrack(m, t)...)
	r.Checks = append(r.Checks, checkBuffers(m, t)...)
	return r, nil
}

// target is the load a Run checks for.
type target struct {
	role  Role  // never empty
	conns int64 // open at once
	rate  int64 // new per second
}

// notForRole is the Check for a setting that t's role does not need.
func notForRole(name string, t target, why string) Check {
	return Check{Name: name, Value: "not checked for role " + string(t.role), Status: Skip, Note: why}
}

// skipped is the Check for a setting that could not be read.
func skipped(name string, err error) Check {
	return Check{Name: name, Value: "unreadable: " + err.Error(), Status: Skip}
}

// sysctlFix returns the runtime command and the persistent setting that
// set key to value.
func sysctlFix(key, value string) []string {
	if strings.Contains(value, " ") {
		return []string{
			fmt.Sprintf("sysctl -w %s=%q", key, value),
			fmt.Sprintf("echo '%s = %s' >> /etc/sysctl.d/90-evshim.conf  # persistent", key, value),
		}
	}
	return []string{
		fmt.Sprintf("sysctl -w %s=%s", key, value),
		fmt.Sprintf("echo '%s = %s' >> /etc/sysctl.d/90-evshim.conf  # persistent", key, value),
	}
}

// withSet makes c a Fail that Apply fixes by writing key=value, for the
// reason why.
func (c Check) withSet(key, value, why string) Check {
	c.Status = Fail
	c.set = append(c.set, sysctl{key, value, why})
	c.Fix = append(c.Fix, sysctlFix(key, value)...)
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ceilDiv returns a/b rounded up, for positive b.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// seconds formats d as "60 s" or "100 ms", the units sysctl docs use.
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return itoa(int64(d/time.Second)) + " s"
	}
	return itoa(d.Milliseconds()) + " ms"
}
