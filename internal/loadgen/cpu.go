package loadgen

import (
	"net"
	"net/netip"
	"runtime"
	"time"

	"github.com/evshim/evshim/internal/cputime"
)

// CPUUse is the generator's own CPU use over a run: the user and system
// time of the whole process (rusage), so a server running in the same
// process is included. On a machine that the server shares, this CPU is
// the server's loss: two generators that differ in it report different
// rates from the same server (docs/loadgen.md, issue 14).
type CPUUse struct {
	User   time.Duration `json:"user_ns"`
	System time.Duration `json:"system_ns"`
	// PerResponse is (User+System) / Responses; 0 without responses.
	PerResponse time.Duration `json:"per_response_ns"`
	// Share is (User+System) over the run's wall time times CPUs: 1 is
	// every CPU the process may use, busy all the time.
	Share float64 `json:"share"`
	// CPUs is how many CPUs the process may run on (its affinity mask).
	CPUs int `json:"cpus"`
	// SameHost is set when the target's address is this host's (loopback
	// or one of its interfaces' addresses): then, unless the two are
	// pinned to different CPUs, the generator's CPU comes out of the
	// server's share.
	SameHost bool `json:"same_host"`
}

// cpuMeter measures the process's CPU use over a span of wall time.
type cpuMeter struct {
	wall      time.Time
	user, sys time.Duration
	ok        bool
}

func startCPU() cpuMeter {
	u, s, ok := cputime.Process()
	return cpuMeter{wall: time.Now(), user: u, sys: s, ok: ok}
}

// stop returns the use since startCPU, nil where the platform cannot tell.
func (m cpuMeter) stop(responses int64, target netip.AddrPort) *CPUUse {
	u, s, ok := cputime.Process()
	if !m.ok || !ok {
		return nil
	}
	c := &CPUUse{User: u - m.user, System: s - m.sys, CPUs: runtime.NumCPU(), SameHost: isLocal(target.Addr())}
	total := c.User + c.System
	if responses > 0 {
		c.PerResponse = total / time.Duration(responses)
	}
	if wall := time.Since(m.wall); wall > 0 {
		c.Share = float64(total) / (float64(wall) * float64(c.CPUs))
	}
	return c
}

// isLocal reports whether a is a loopback or unspecified address, or one
// of this host's interface addresses.
func isLocal(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsUnspecified() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ia := range addrs {
		if p, err := netip.ParsePrefix(ia.String()); err == nil && p.Addr().Unmap() == a {
			return true
		}
	}
	return false
}
