package doctor

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeWait is how long the side that closes a TCP connection first keeps it
// in TIME_WAIT on Linux: TCP_TIMEWAIT_LEN in include/net/tcp.h, fixed when
// the kernel is built. No sysctl changes it; tcp_fin_timeout is FIN_WAIT_2.
const timeWait = 60 * time.Second

// defaultReuseDelay is how old a TIME_WAIT socket must be before
// tcp_tw_reuse hands its port to a new connection, when the kernel has no
// net.ipv4.tcp_tw_reuse_delay (added in Linux 6.14, default 1000 ms).
const defaultReuseDelay = time.Second

// The widest usable ephemeral range: ports below 1024 are privileged.
const (
	widestLow  = 1024
	widerLow   = 10000 // wide enough for most, clear of common service ports below it
	portsHigh  = 65535
	widestSpan = portsHigh - widestLow + 1
)

// checkPorts checks the ephemeral ports that dialed connections use, and
// the TIME_WAIT settings that decide how soon a port can be used again.
func checkPorts(m *machine, t target) []Check {
	reuse, reuseErr := m.int("net.ipv4.tcp_tw_reuse")
	stamps, stampsErr := m.int("net.ipv4.tcp_timestamps")
	delay := defaultReuseDelay
	if ms, err := m.int("net.ipv4.tcp_tw_reuse_delay"); err == nil {
		delay = time.Duration(ms) * time.Millisecond
	}
	// tcp_tw_reuse=2 covers loopback only, so do the arithmetic for the
	// general case; the tcp_tw_reuse row says what loopback gets.
	reusing := reuseErr == nil && reuse == 1 && stampsErr == nil && stamps != 0

	var out []Check
	if reuseErr != nil {
		reuse = -1
	}
	if t.role.dials() {
		out = append(out, checkPortRange(m, t, reuse, reusing, delay))
	} else {
		out = append(out, notForRole("net.ipv4.ip_local_port_range", t,
			"local ports are for connections this machine dials; an accepted connection uses the listener's port"))
	}

	tw := Check{Name: "net.ipv4.tcp_tw_reuse", Status: OK,
		Note: fmt.Sprintf("lets a new outgoing connection take a port still in TIME_WAIT once the old socket is %s old, "+
			"if both ends send TCP timestamps; 2 (the default since kernel commit 79e9fed46038, 2018) does it on loopback only. "+
			"Accepted connections are not affected", seconds(delay))}
	switch {
	case !t.role.dials():
		tw = notForRole(tw.Name, t, "TIME_WAIT reuse applies to outgoing connections only")
	case reuseErr != nil:
		tw = skipped(tw.Name, reuseErr)
	case stampsErr != nil:
		tw.Value = twReuseName(reuse) + ", tcp_timestamps unreadable"
	default:
		tw.Value = fmt.Sprintf("%s, tcp_timestamps=%d", twReuseName(reuse), stamps)
		if reuse != 0 && stamps == 0 {
			tw.Status = Warn
			tw.Note += "; with tcp_timestamps=0 it never applies"
			tw.Fix = sysctlFix("net.ipv4.tcp_timestamps", "1")
		}
	}
	out = append(out, tw)

	out = append(out, checkRecycle(m))

	if v, err := m.int("net.ipv4.tcp_fin_timeout"); err != nil {
		out = append(out, skipped("net.ipv4.tcp_fin_timeout", err))
	} else {
		out = append(out, Check{Name: "net.ipv4.tcp_fin_timeout", Value: itoa(v) + " s", Status: OK,
			Note: "how long an orphaned connection waits in FIN_WAIT_2 for the peer's FIN. It is not the TIME_WAIT " +
				"length, which is 60 s and fixed (TCP_TIMEWAIT_LEN); lowering it frees no ports"})
	}

	if v, err := m.int("net.ipv4.tcp_max_tw_buckets"); err != nil {
		out = append(out, skipped("net.ipv4.tcp_max_tw_buckets", err))
	} else {
		c := Check{Name: "net.ipv4.tcp_max_tw_buckets", Value: itoa(v), Status: OK,
			Note: "TIME_WAIT sockets kept system-wide; past it the kernel drops new ones at once and logs " +
				"\"TCP: time wait bucket table overflow\", which is harmless for a client"}
		if t.rate > 0 {
			need := t.rate * int64(timeWait/time.Second)
			c.Need = fmt.Sprintf(">= %d (%d/s × %s)", need, t.rate, seconds(timeWait))
			if v < need {
				c.Status = Warn
				c.Fix = sysctlFix("net.ipv4.tcp_max_tw_buckets", itoa(need))
			}
		}
		out = append(out, c)
	}
	return out
}

func twReuseName(v int64) string {
	switch v {
	case 0:
		return "0 (off)"
	case 1:
		return "1 (on)"
	case 2:
		return "2 (loopback only)"
	}
	return itoa(v)
}

// portsNeeded is the number of local ports that t needs per
// source/destination address pair when a closed port is held for hold.
func portsNeeded(t target, hold time.Duration) int64 {
	return t.conns + ceilDiv(t.rate*hold.Milliseconds(), 1000)
}

// checkPortRange checks the ephemeral port range. reuse is
// tcp_tw_reuse's value, -1 when unreadable; reusing reports whether it
// applies to every destination.
func checkPortRange(m *machine, t target, reuse int64, reusing bool, delay time.Duration) Check {
	const key = "net.ipv4.ip_local_port_range"
	r, err := m.ints(key, 2)
	if err != nil {
		return skipped(key, err)
	}
	lo, hi := r[0], r[1]
	reservedKey := "net.ipv4.ip_local_reserved_ports"
	reservedList, _ := m.read(reservedKey) // absent on old kernels: nothing reserved
	ports := hi - lo + 1 - reservedIn(reservedList, lo, hi)

	hold := timeWait
	if reusing {
		hold = delay
	}
	need := portsNeeded(t, hold)
	c := Check{Name: key, Value: fmt.Sprintf("%d %d (%d ports)", lo, hi, ports), Status: OK,
		Note: "local ports for connections this machine dials (a load generator, a proxy, an HTTP client); " +
			"accepted connections use none. Linux reuses a port for another destination, so the count is per " +
			"source/destination address pair. Only the side that closes first holds TIME_WAIT; " +
			"dial past the range fails with EADDRNOTAVAIL (\"cannot assign requested address\")"}
	if t.rate > 0 {
		c.Need = fmt.Sprintf(">= %d per address pair (%d open + %d/s × %s in TIME_WAIT)", need, t.conns, t.rate, seconds(hold))
	} else {
		c.Need = fmt.Sprintf(">= %d per address pair (open connections)", need)
	}
	if ports >= need {
		return c
	}

	c.Status = Fail
	newLo := int64(widerLow)
	if need > portsHigh-widerLow+1 {
		newLo = widestLow
	}
	newLo = min(newLo, lo)
	span := int64(portsHigh) - newLo + 1 - reservedIn(reservedList, newLo, portsHigh)
	if span > ports {
		c = c.withSet(key, fmt.Sprintf("%d %d", newLo, portsHigh),
			fmt.Sprintf("%d ports < %d needed per address pair: dial fails with EADDRNOTAVAIL past them", ports, need))
		c.Fix = append(c.Fix, fmt.Sprintf("# list ports your services listen on between %d and %d in net.ipv4.ip_local_reserved_ports", newLo, lo))
	} else {
		span = ports
	}
	if t.rate > 0 && !reusing && need > span {
		const key = "net.ipv4.tcp_tw_reuse"
		c.Fix = append(c.Fix, "# tcp_tw_reuse=1: outgoing connections reuse TIME_WAIT ports; both ends need tcp_timestamps=1")
		reason := fmt.Sprintf("with TIME_WAIT held %s even %d ports per address pair are short of the %d needed; "+
			"tcp_tw_reuse=1 lets a new outgoing connection take a port whose TIME_WAIT socket is %s old (both ends need tcp_timestamps)",
			seconds(timeWait), span, need, seconds(delay))
		switch reuse {
		case 0:
			c = c.withSet(key, "1", reason)
		case 2:
			// Linux's ip-sysctl.rst: 2 enables reuse "for loopback traffic
			// only", the default since 4.20, and the setting "should not be
			// changed without advice/request of technical experts". A load
			// generator on the server's host already gets reuse; only one
			// that dials other hosts would need 1, and doctor cannot know
			// where the load goes.
			c.held = append(c.held, sysctl{key, "1", "left at 2: loopback connections (a load generator on the server's own host) " +
				"already reuse TIME_WAIT ports, and 1 would extend reuse to every destination, which the kernel's ip-sysctl docs " +
				"say to change only on expert advice; set 1 yourself if this machine dials other hosts at this rate (" + reason + ")"})
		}
		need = portsNeeded(t, delay)
	}
	if need > span {
		k := ceilDiv(need, span)
		c.Fix = append(c.Fix, fmt.Sprintf("# dial from %d source addresses (net.Dialer.LocalAddr) or to %d server addresses or ports: "+
			"each source/destination pair has its own %d ports", k, k, span))
		if len(c.set) == 0 {
			c.cantFix = "the range is already as wide as it can be; only more address pairs help"
		}
	}
	return c
}

// reservedIn counts the ports of an ip_local_reserved_ports list ("8080,
// 9000-9010") that fall in [lo, hi]. Malformed items count as none.
func reservedIn(list string, lo, hi int64) int64 {
	var n int64
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		a, b, isRange := strings.Cut(item, "-")
		from, err1 := strconv.ParseInt(a, 10, 64)
		to := from
		var err2 error
		if isRange {
			to, err2 = strconv.ParseInt(b, 10, 64)
		}
		if err1 != nil || err2 != nil {
			continue
		}
		from, to = max(from, lo), min(to, hi)
		if to >= from {
			n += to - from + 1
		}
	}
	return n
}

// checkRecycle reports tcp_tw_recycle, which no longer exists on current
// kernels and broke clients behind NAT where it did.
func checkRecycle(m *machine) Check {
	const key = "net.ipv4.tcp_tw_recycle"
	const gone = "tcp_tw_recycle dropped SYNs from clients behind NAT (it trusted per-host timestamps) and was " +
		"removed in Linux 4.12. The advice it served maps to: tcp_tw_reuse=1 for outgoing connections, more " +
		"source addresses, and a wider ip_local_port_range"
	if !m.exists(key) {
		return Check{Name: key, Value: "absent (removed in Linux 4.12)", Status: OK, Note: gone}
	}
	v, err := m.int(key)
	if err != nil {
		return skipped(key, err)
	}
	c := Check{Name: key, Value: itoa(v), Status: OK, Note: gone}
	if v != 0 {
		c = c.withSet(key, "0", "tcp_tw_recycle drops SYNs from clients behind NAT; no kernel since 4.12 has it")
		c.Need = "0"
	}
	return c
}
