package sweep

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Row summarizes one server at one point over all rounds.
type Row struct {
	Server      string `json:"server"`
	Concurrency int    `json:"concurrency"`
	KeepAlive   bool   `json:"keep_alive"`
	Rounds      int    `json:"rounds"`
	// RPS is the median requests per second over the rounds.
	RPS float64 `json:"requests_per_second"`
	// Failed is the sum of failed requests over the rounds, so that a
	// failure in any round shows.
	Failed int64 `json:"failed"`
	// P99 is the median of the rounds' 99th percentile latencies.
	P99 time.Duration `json:"p99_ns"`
	// RPSRatio and P99Ratio divide this row's medians by the Baseline
	// server's at the same point; 0 when there is no baseline.
	RPSRatio float64 `json:"rps_ratio,omitempty"`
	P99Ratio float64 `json:"p99_ratio,omitempty"`
}

// IdleRow summarizes one server's idle-connection cost over the rounds.
type IdleRow struct {
	Server    string `json:"server"`
	Conns     int    `json:"conns"`
	Rounds    int    `json:"rounds"`
	Method    string `json:"method"`     // of the request before idling
	BodyBytes int    `json:"body_bytes"` // of that request
	ForcedGC  bool   `json:"forced_gc"`  // a collection before each snapshot
	// RSSPerConn and GoroutinesPerConn are medians; -1 when unknown.
	RSSPerConn        float64 `json:"rss_per_conn_bytes"`
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
}

// summarize fills r.Summary and r.IdleTable from r.Points and r.Idle, in
// the order: keep-alive before close, then concurrency, then the
// configured server order.
func (r *Report) summarize() {
	r.Summary, r.IdleTable = nil, nil
	for _, keepAlive := range []bool{true, false} {
		for _, c := range r.Levels {
			var base *Row
			start := len(r.Summary)
			for _, s := range r.Servers {
				var rps, p99 []float64
				row := Row{Server: s.Name, Concurrency: c, KeepAlive: keepAlive}
				for _, pt := range r.Points {
					if pt.Server == s.Name && pt.Concurrency == c && pt.KeepAlive == keepAlive {
						rps = append(rps, pt.RPS)
						p99 = append(p99, float64(pt.P99))
						row.Failed += pt.Failed
						row.Rounds++
					}
				}
				if row.Rounds == 0 {
					continue
				}
				row.RPS = median(rps)
				row.P99 = time.Duration(median(p99))
				r.Summary = append(r.Summary, row)
				if s.Name == Baseline {
					base = &r.Summary[len(r.Summary)-1]
				}
			}
			if base == nil {
				continue
			}
			for i := start; i < len(r.Summary); i++ {
				row := &r.Summary[i]
				if base.RPS > 0 {
					row.RPSRatio = row.RPS / base.RPS
				}
				if base.P99 > 0 {
					row.P99Ratio = float64(row.P99) / float64(base.P99)
				}
			}
		}
	}
	for _, s := range r.Servers {
		var rss, gor []float64
		row := IdleRow{Server: s.Name, RSSPerConn: -1, GoroutinesPerConn: -1}
		for _, m := range r.Idle {
			if m.Server != s.Name {
				continue
			}
			row.Conns, row.Method, row.BodyBytes, row.ForcedGC = m.Conns, m.Method, m.BodyBytes, m.ForcedGC
			row.Rounds++
			if m.Before.RSS >= 0 && m.After.RSS >= 0 {
				rss = append(rss, m.RSSPerConn)
			}
			if m.Before.Goroutines >= 0 && m.After.Goroutines >= 0 {
				gor = append(gor, m.GoroutinesPerConn)
			}
		}
		if row.Rounds == 0 {
			continue
		}
		if len(rss) > 0 {
			row.RSSPerConn = median(rss)
		}
		if len(gor) > 0 {
			row.GoroutinesPerConn = median(gor)
		}
		r.IdleTable = append(r.IdleTable, row)
	}
}

// median returns the middle value of v, or the mean of the two middle
// values when len(v) is even. v must not be empty; it is not modified.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// kib formats a byte count per connection in KiB, "?" when unknown.
func kib(b float64) string {
	if b == -1 {
		return "?"
	}
	return fmt.Sprintf("%.2f KiB", b/1024)
}

// perConn formats a per-connection count, "?" when unknown.
func perConn(v float64) string {
	if v == -1 {
		return "?"
	}
	if math.Abs(v) < 0.0005 {
		v = 0 // a goroutine that ended between the snapshots: not "-0.000"
	}
	return fmt.Sprintf("%.3f", v)
}

// roundDur keeps three or so significant digits of a latency.
func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(time.Microsecond)
	}
	return d
}
