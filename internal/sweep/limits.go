package sweep

import (
	"fmt"
	"math"
	"slices"

	"github.com/evshim/evshim/internal/doctor"
)

// fileSlack is the open files a process needs besides its connections:
// the runtime, the listener, the stats endpoint, pipes.
const fileSlack = 64

// capConcurrency returns the levels of want that this machine allows, in
// increasing order without duplicates, and one note for each level it
// lowered.
//
// Two limits apply. Open files: the generator holds c sockets and each
// server another c, each process within RLIMIT_NOFILE, whose soft limit the
// sweep raises to the hard one (children inherit it). Ports: without
// loopback source spreading (outside Linux), every client socket takes an
// ephemeral port from one range, so c cannot exceed the range's size. On
// Linux the generator spreads connections over 16 source addresses, each
// with its own range, and the ports stop being the limit first.
func capConcurrency(want []int, f doctor.Facts, spread bool) (levels []int, notes []string) {
	limit, why := -1, ""
	if f.NofileHard > 0 && f.NofileHard != math.MaxInt64 {
		limit = int(f.NofileHard) - fileSlack
		why = fmt.Sprintf("RLIMIT_NOFILE hard limit %d, less %d for the runtime", f.NofileHard, fileSlack)
	}
	if !spread && f.PortLow > 0 && f.PortHigh >= f.PortLow {
		if n := f.PortHigh - f.PortLow + 1; limit < 0 || n < limit {
			limit = n
			why = fmt.Sprintf("ephemeral port range %d-%d (%d ports) from one source address", f.PortLow, f.PortHigh, n)
		}
	}
	for _, c := range want {
		if c < 1 {
			continue
		}
		if limit > 0 && c > limit {
			notes = append(notes, fmt.Sprintf("concurrency %d capped to %d: %s", c, limit, why))
			c = limit
		}
		levels = append(levels, c)
	}
	slices.Sort(levels)
	return slices.Compact(levels), notes
}
