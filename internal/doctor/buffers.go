package doctor

import "fmt"

// checkBuffers reports the per-connection socket buffer sizes and whether
// the kernel's TCP memory limit covers every connection filling them.
func checkBuffers(m *machine, t target) []Check {
	const note = "min, default and max bytes of each connection's %s buffer; the kernel grows it from default " +
		"toward max as data waits, and an idle connection holds almost none of it"
	rmem, rerr := m.ints("net.ipv4.tcp_rmem", 3)
	wmem, werr := m.ints("net.ipv4.tcp_wmem", 3)
	var out []Check
	if rerr != nil {
		out = append(out, skipped("net.ipv4.tcp_rmem", rerr))
	} else {
		out = append(out, Check{Name: "net.ipv4.tcp_rmem", Value: fmt.Sprintf("%d %d %d", rmem[0], rmem[1], rmem[2]),
			Status: OK, Note: fmt.Sprintf(note, "receive")})
	}
	if werr != nil {
		out = append(out, skipped("net.ipv4.tcp_wmem", werr))
	} else {
		out = append(out, Check{Name: "net.ipv4.tcp_wmem", Value: fmt.Sprintf("%d %d %d", wmem[0], wmem[1], wmem[2]),
			Status: OK, Note: fmt.Sprintf(note, "send")})
	}

	mem, err := m.ints("net.ipv4.tcp_mem", 3)
	if err != nil {
		return append(out, skipped("net.ipv4.tcp_mem", err))
	}
	page := int64(m.pageSize)
	c := Check{Name: "net.ipv4.tcp_mem", Status: OK,
		Value: fmt.Sprintf("%d %d %d pages (max %s)", mem[0], mem[1], mem[2], mib(mem[2]*page)),
		Note: "all TCP buffers together, in pages; past max the kernel drops data and logs \"TCP: out of memory\". " +
			"The need counts every connection's buffers full at their default size, a worst case"}
	if rerr != nil || werr != nil {
		return append(out, c)
	}
	per := rmem[1] + wmem[1]
	need := t.conns * per
	c.Need = fmt.Sprintf(">= %s (%d × (%d + %d) bytes)", mib(need), t.conns, rmem[1], wmem[1])
	if mem[2]*page < need {
		c.Status = Warn
		c.Fix = []string{
			"# only matters when that many connections are busy at once",
			fmt.Sprintf("# lower the middle (default) values of tcp_rmem/tcp_wmem, or raise tcp_mem within RAM (unit: %d-byte pages)", page),
		}
	}
	return append(out, c)
}

// mib formats a byte count in MiB, rounded up.
func mib(b int64) string {
	return fmt.Sprintf("%d MiB", ceilDiv(b, 1<<20))
}
