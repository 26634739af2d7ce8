package sweep

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report as tables for people: the machine facts and
// the caveats first, then one table per connection mode, then the idle
// connection costs.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	names := make([]string, len(r.Servers))
	for i, s := range r.Servers {
		names[i] = s.Name
	}
	fmt.Fprintf(&b, "evshim bench: C10K sweep of a hello-world server: %s\n", strings.Join(names, ", "))
	fmt.Fprintf(&b, "%d round(s) of %v per point, servers interleaved; medians over rounds, failed summed over rounds\n", r.Rounds, r.Duration)
	fmt.Fprintf(&b, "machine: %s\n", r.Facts)
	fmt.Fprintf(&b, "note: %s\n", r.Shared)
	for _, c := range r.Capped {
		fmt.Fprintf(&b, "capped: %s\n", c)
	}
	hasBase := false
	for _, s := range r.Servers {
		hasBase = hasBase || s.Name == Baseline
	}
	for _, keepAlive := range []bool{true, false} {
		if len(r.Points) == 0 {
			break // the idle measurement alone
		}
		title := "keep-alive (ab -k)"
		if !keepAlive {
			title = "new connection per request (ab)"
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		if hasBase {
			fmt.Fprintf(tw, "conc\tserver\treq/s\tvs %s\tfailed\tp99\tvs %s\t\n", Baseline, Baseline)
		} else {
			fmt.Fprint(tw, "conc\tserver\treq/s\tfailed\tp99\t\n")
		}
		for _, row := range r.Summary {
			if row.KeepAlive != keepAlive {
				continue
			}
			if hasBase {
				fmt.Fprintf(tw, "%d\t%s\t%.0f\t%s\t%d\t%v\t%s\t\n", row.Concurrency, row.Server, row.RPS,
					ratio(row.RPSRatio), row.Failed, roundDur(row.P99), ratio(row.P99Ratio))
			} else {
				fmt.Fprintf(tw, "%d\t%s\t%.0f\t%d\t%v\t\n", row.Concurrency, row.Server, row.RPS, row.Failed, roundDur(row.P99))
			}
		}
		tw.Flush()
	}
	if len(r.IdleTable) > 0 {
		fmt.Fprintf(&b, "\nidle keep-alive connections (%s; deltas over no connection, medians)\n", r.IdleTable[0].how())
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "server\tconns\tRSS per conn\tgoroutines per conn\t\n")
		for _, row := range r.IdleTable {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", row.Server, row.Conns, kib(row.RSSPerConn), perConn(row.GoroutinesPerConn))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ratio formats a ratio to the baseline, "-" when there is none.
func ratio(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", v)
}

// how says how the idle connections were measured: the request each made
// before it idled, and whether the server collected garbage before each
// snapshot.
func (row IdleRow) how() string {
	req := "one " + row.Method + " each"
	if row.Method == "" {
		req = "one request each" // a report from before the field
	}
	if row.BodyBytes > 0 {
		req += fmt.Sprintf(" with a %d-byte body", row.BodyBytes)
	}
	gc := "RSS as it is, no forced GC"
	if row.ForcedGC {
		gc = "GC and memory returned to the OS before each snapshot"
	}
	return req + ", then idle; " + gc
}
