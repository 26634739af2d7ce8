package doctor

import (
	"fmt"
	"time"
)

// defaultConntrackTimeWait is nf_conntrack_tcp_timeout_time_wait's default,
// used when the file cannot be read.
const defaultConntrackTimeWait = 120 * time.Second

// checkConntrack checks the netfilter connection-tracking table, which
// exists only while the nf_conntrack module is loaded (a firewall with
// stateful rules, Docker, Kubernetes).
func checkConntrack(m *machine, t target) []Check {
	const key = "net.netfilter.nf_conntrack_max"
	if !m.exists(key) {
		return []Check{{Name: key, Value: "absent (nf_conntrack not loaded)", Status: Skip,
			Note: "no connection-tracking table to fill"}}
	}
	limit, err := m.int(key)
	if err != nil {
		return []Check{skipped(key, err)}
	}
	count, err := m.int("net.netfilter.nf_conntrack_count")
	if err != nil {
		return []Check{skipped("net.netfilter.nf_conntrack_count", err)}
	}
	hold := defaultConntrackTimeWait
	if s, err := m.int("net.netfilter.nf_conntrack_tcp_timeout_time_wait"); err == nil {
		hold = time.Duration(s) * time.Second
	}
	need := t.conns + t.rate*int64(hold/time.Second)

	c := Check{Name: key, Value: fmt.Sprintf("%d (%d in use)", limit, count), Status: OK,
		Need: fmt.Sprintf(">= %d (%d open + %d/s × %s nf_conntrack_tcp_timeout_time_wait), plus the %d in use", need, t.conns, t.rate, seconds(hold), count),
		Note: "every tracked connection takes an entry, loopback ones included, and a closed one keeps it through TIME_WAIT; " +
			"a full table drops new connections' packets and logs \"nf_conntrack: table full, dropping packet\""}
	switch {
	case limit < need:
		c = c.withSet(key, itoa(need+count),
			fmt.Sprintf("%d entries < %d needed plus %d in use: a full table drops new connections' packets", limit, need, count))
	case limit < need+count:
		c.Status = Warn
		c.Note += "; the entries in use may include the target's own connections"
		c.Fix = sysctlFix(key, itoa(need+count))
	}
	if c.Status != OK {
		c.Fix = append(c.Fix, "echo nf_conntrack > /etc/modules-load.d/nf_conntrack.conf  # load the module before systemd-sysctl applies sysctl.d at boot")
	}
	return []Check{c}
}
