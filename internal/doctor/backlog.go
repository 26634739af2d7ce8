package doctor

import (
	"fmt"
	"time"
)

// acceptStall is how far behind an accept loop may fall before the kernel's
// queues must hold the new connections: the loop watchdog's default limit,
// the longest a healthy evshim loop callback runs.
const acceptStall = 100 * time.Millisecond

// minBacklog is the somaxconn that Linux shipped until 5.4 raised it to
// 4096 (kernel commit 19f92a030ca6); any server should have at least this.
const minBacklog = 128

// backlogNeed is the queue length that t needs: the connections arriving
// during one acceptStall, and never less than minBacklog.
func backlogNeed(t target) int64 {
	return max(minBacklog, ceilDiv(t.rate*acceptStall.Milliseconds(), 1000))
}

func backlogFormula(t target) string {
	return fmt.Sprintf(">= %d (max(%d, %d/s × %s))", backlogNeed(t), minBacklog, t.rate, seconds(acceptStall))
}

// checkBacklog checks the listen queues and SYN cookies.
func checkBacklog(m *machine, t target) []Check {
	if !t.role.serves() {
		const why = "listen queues and SYN handling matter to a machine that accepts connections"
		return []Check{
			notForRole("net.core.somaxconn", t, why),
			notForRole("net.ipv4.tcp_max_syn_backlog", t, why),
			notForRole("net.ipv4.tcp_syncookies", t, why),
		}
	}
	need := backlogNeed(t)
	var out []Check

	if v, err := m.int("net.core.somaxconn"); err != nil {
		out = append(out, skipped("net.core.somaxconn", err))
	} else {
		c := Check{Name: "net.core.somaxconn", Value: itoa(v), Need: backlogFormula(t), Status: OK,
			Note: "caps every listen(2) backlog: connections the kernel has completed and the server has not yet accepted. " +
				"Go's net.Listen asks for somaxconn itself (src/net/sock_linux.go), so raising it needs no code change. " +
				"Overflow stalls clients for a second or more (ListenOverflows in nstat)"}
		if v < need {
			c = c.withSet("net.core.somaxconn", itoa(need),
				fmt.Sprintf("%d < %d: a listen queue must hold the connections that arrive during a %s accept stall", v, need, seconds(acceptStall)))
		}
		out = append(out, c)
	}

	cookies, cookiesErr := m.int("net.ipv4.tcp_syncookies")
	if v, err := m.int("net.ipv4.tcp_max_syn_backlog"); err != nil {
		out = append(out, skipped("net.ipv4.tcp_max_syn_backlog", err))
	} else {
		c := Check{Name: "net.ipv4.tcp_max_syn_backlog", Value: itoa(v), Need: backlogFormula(t), Status: OK,
			Note: "half-open connections (SYN received, handshake not finished) a listener keeps; " +
				"with tcp_syncookies on, the overflow is answered with cookies instead of dropped"}
		switch {
		case v >= need:
		case cookiesErr == nil && cookies != 0:
			c.Status = Warn
			c.Note += "; cookies carry fewer TCP options, so raise it if overflows are routine"
			c.Fix = sysctlFix("net.ipv4.tcp_max_syn_backlog", itoa(need))
		default:
			c = c.withSet("net.ipv4.tcp_max_syn_backlog", itoa(need),
				fmt.Sprintf("%d < %d and tcp_syncookies is off: SYNs past the backlog are dropped and clients wait 1 s or more", v, need))
		}
		out = append(out, c)
	}

	if cookiesErr != nil {
		return append(out, skipped("net.ipv4.tcp_syncookies", cookiesErr))
	}
	c := Check{Name: "net.ipv4.tcp_syncookies", Value: itoa(cookies), Status: OK,
		Note: "1 answers a full SYN queue with cookies, so a burst of new connections (or a SYN flood) is not dropped; " +
			"2 sends cookies always; 0 drops SYNs and clients retry after 1 s, 3 s, 7 s"}
	if cookies == 0 {
		c.Status = Warn
		c.Need = "1"
		c.Fix = sysctlFix("net.ipv4.tcp_syncookies", "1")
	}
	return append(out, c)
}
