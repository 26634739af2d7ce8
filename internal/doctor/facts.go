package doctor

import (
	"fmt"
	"math"
	"runtime"
)

// Facts are the machine facts that matter when reading a benchmark. A
// value that could not be read is -1 (the empty string for Kernel).
type Facts struct {
	OS         string `json:"os"`          // runtime.GOOS
	Kernel     string `json:"kernel"`      // kernel.osrelease, Linux only
	Cores      int    `json:"cores"`       // runtime.NumCPU
	GOMAXPROCS int    `json:"gomaxprocs"`  // runtime.GOMAXPROCS(0)
	NofileSoft int64  `json:"nofile_soft"` // this process's RLIMIT_NOFILE; math.MaxInt64 when unlimited
	NofileHard int64  `json:"nofile_hard"`
	PortLow    int    `json:"port_low"`  // net.ipv4.ip_local_port_range, first port
	PortHigh   int    `json:"port_high"` // net.ipv4.ip_local_port_range, last port
	TWReuse    int    `json:"tw_reuse"`  // net.ipv4.tcp_tw_reuse: 0 off, 1 on, 2 loopback only
	Somaxconn  int    `json:"somaxconn"` // net.core.somaxconn, which Go's net.Listen uses as its backlog
}

// ReadFacts reads this machine's Facts. It never fails: what it cannot
// read is -1. It reads a handful of small files and makes one system
// call, so call it once per run, not per measurement.
func ReadFacts() Facts {
	m, err := Config{}.machine()
	if err != nil {
		// /proc is missing or unmounted: keep the limit, lose the sysctls.
		m = &machine{}
		m.nofile, m.nofileOK = getNofile()
	}
	return readFacts(m)
}

func readFacts(m *machine) Facts {
	f := Facts{
		OS:         runtime.GOOS,
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		NofileSoft: -1, NofileHard: -1,
		PortLow: -1, PortHigh: -1,
		TWReuse: -1, Somaxconn: -1,
	}
	if m.nofileOK == nil {
		f.NofileSoft, f.NofileHard = limitInt(m.nofile.Soft), limitInt(m.nofile.Hard)
	}
	f.Kernel, _ = m.read("kernel.osrelease")
	if r, err := m.ints("net.ipv4.ip_local_port_range", 2); err == nil {
		f.PortLow, f.PortHigh = int(r[0]), int(r[1])
	}
	if v, err := m.int("net.ipv4.tcp_tw_reuse"); err == nil {
		f.TWReuse = int(v)
	}
	if v, err := m.int("net.core.somaxconn"); err == nil {
		f.Somaxconn = int(v)
	}
	return f
}

func limitInt(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// String formats f as space-separated key=value pairs, one line, in a
// fixed order: "os=linux kernel=6.1.0 cores=8 gomaxprocs=8 nofile=1024/524288
// ports=32768-60999 tw_reuse=2 somaxconn=4096". Unknown values print as "?".
func (f Facts) String() string {
	n := func(v int64) string {
		switch v {
		case -1:
			return "?"
		case math.MaxInt64:
			return "unlimited"
		}
		return itoa(v)
	}
	kernel := f.Kernel
	if kernel == "" {
		kernel = "?"
	}
	return fmt.Sprintf("os=%s kernel=%s cores=%d gomaxprocs=%d nofile=%s/%s ports=%s-%s tw_reuse=%s somaxconn=%s",
		f.OS, kernel, f.Cores, f.GOMAXPROCS, n(f.NofileSoft), n(f.NofileHard),
		n(int64(f.PortLow)), n(int64(f.PortHigh)), n(int64(f.TWReuse)), n(int64(f.Somaxconn)))
}
