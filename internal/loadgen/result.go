package loadgen

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// Result is the outcome of a run. Its JSON form, with the field names
// below, is what "evshim bench load -json" prints; latencies there are in
// nanoseconds.
type Result struct {
	URL         string   `json:"url"`
	Method      string   `json:"method"`
	Requests    int      `json:"requests"` // the -n limit; 0 for none
	Concurrency int      `json:"concurrency"`
	KeepAlive   bool     `json:"keep_alive"`
	Sources     []string `json:"source_addresses"` // empty when the kernel chose
	Engine      string   `json:"engine"`           // "epoll" or "goroutine"
	Threads     int      `json:"threads"`          // the epoll engine's threads; 0 for the goroutine engine

	Elapsed           time.Duration `json:"elapsed_ns"`
	Responses         int64         `json:"responses"` // complete responses, any status
	RequestsPerSecond float64       `json:"requests_per_second"`
	BytesRead         int64         `json:"bytes_read"`

	// Status counts responses by class: "1xx" to "5xx", and "other".
	Status map[string]int64 `json:"status"`
	// Errors counts failed requests by Kind name; every kind is present.
	Errors      map[string]int64 `json:"errors"`
	ErrorsTotal int64            `json:"errors_total"`

	Latency Latency `json:"latency"`
	// CPU is the generator's own CPU use over the run (setting up and
	// closing its connections included); nil where the platform cannot
	// tell.
	CPU *CPUUse `json:"generator_cpu,omitempty"`
	// Stopped says why the run ended before its Requests: "duration",
	// "interrupted", or "error: " and the error. Empty when it did not.
	Stopped string `json:"stopped,omitempty"`

	// Distribution is the latency histogram in bins (nanoseconds), when
	// the caller asked for it with [Result.SetDistribution]; "bench load
	// -hist -json" does.
	Distribution []Bin `json:"histogram,omitempty"`

	// Histogram holds every latency recorded, from the start of the dial
	// (or of the write on a reused connection) to the end of the response.
	Histogram *Histogram `json:"-"`
}

// HistogramBins is how many bins "bench load -hist" shows.
const HistogramBins = 20

// SetDistribution fills in r.Distribution with n bins of r.Histogram.
func (r *Result) SetDistribution(n int) { r.Distribution = r.Histogram.Distribution(n) }

// barWidth is the length of the longest bar WriteHistogram draws.
const barWidth = 40

// WriteHistogram draws r.Distribution as text, one bar per bin, with each
// bin's share of the responses and the cumulative share up to its end:
//
//	1.2ms -   1.5ms |########                                |  12.5%  37.1%  1234
func (r *Result) WriteHistogram(w io.Writer) error {
	var b strings.Builder
	bins := r.Distribution
	if len(bins) == 0 {
		b.WriteString("latency histogram: no responses\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "latency histogram (%d bins, log scale; range, bar, share, cumulative, count):\n", len(bins))
	var most, total uint64
	for _, bin := range bins {
		most = max(most, bin.Count)
		total += bin.Count
	}
	var cum uint64
	for _, bin := range bins {
		cum += bin.Count
		bar := int((bin.Count*barWidth + most - 1) / most) // any count shows at least one mark
		fmt.Fprintf(&b, "  %9v - %9v |%-*s| %5.1f%% %5.1f%%  %d\n",
			round(time.Duration(bin.Low)), round(time.Duration(bin.High)), barWidth, strings.Repeat("#", bar),
			100*float64(bin.Count)/float64(total), 100*float64(cum)/float64(total), bin.Count)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Latency summarizes the histogram of a run.
type Latency struct {
	Min  time.Duration `json:"min_ns"`
	Mean time.Duration `json:"mean_ns"`
	P50  time.Duration `json:"p50_ns"`
	P90  time.Duration `json:"p90_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p99_9_ns"`
	Max  time.Duration `json:"max_ns"`
}

var statusNames = [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

func (g *Generator) result(cs []*counters, elapsed time.Duration, sources []netip.AddrPort) *Result {
	r := &Result{
		URL:         g.cfg.URL,
		Method:      g.cfg.Method,
		Requests:    g.cfg.Requests,
		Concurrency: g.cfg.Concurrency,
		KeepAlive:   g.cfg.KeepAlive,
		Engine:      g.cfg.Engine,
		Threads:     g.threads(),
		Sources:     []string{},
		Elapsed:     elapsed,
		Status:      make(map[string]int64),
		Errors:      make(map[string]int64),
		Histogram:   NewHistogram(),
	}
	for _, s := range sources {
		r.Sources = append(r.Sources, s.Addr().String())
	}
	for k := range numKinds {
		r.Errors[k.String()] = 0
	}
	for _, c := range cs {
		r.Responses += c.responses.Load()
		r.BytesRead += c.bytes.Load()
		for k := range numKinds {
			n := c.errs[k].Load()
			r.Errors[k.String()] += n
			r.ErrorsTotal += n
		}
		for i, name := range statusNames {
			if n := c.status[i].Load(); n > 0 {
				r.Status[name] += n
			}
		}
	}
	for i := range g.shards {
		// The engine has returned; the lock only documents the contract.
		g.shards[i].mu.Lock()
		r.Histogram.Merge(g.shards[i].h)
		g.shards[i].mu.Unlock()
	}
	if elapsed > 0 {
		r.RequestsPerSecond = float64(r.Responses) / elapsed.Seconds()
	}
	h := r.Histogram
	r.Latency = Latency{
		Min:  time.Duration(h.Min()),
		Mean: time.Duration(h.Mean()),
		P50:  time.Duration(h.Quantile(0.50)),
		P90:  time.Duration(h.Quantile(0.90)),
		P99:  time.Duration(h.Quantile(0.99)),
		P999: time.Duration(h.Quantile(0.999)),
		Max:  time.Duration(h.Max()),
	}
	return r
}

// WriteText writes r for people, in the spirit of ab's and wrk's summaries.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	mode := "new connection per request"
	if r.KeepAlive {
		mode = "keep-alive"
	}
	fmt.Fprintf(&b, "target       %s %s\n", r.Method, r.URL)
	fmt.Fprintf(&b, "connections  %d, %s", r.Concurrency, mode)
	if len(r.Sources) > 0 {
		fmt.Fprintf(&b, ", from %d source addresses (%s-%s)", len(r.Sources), r.Sources[0], r.Sources[len(r.Sources)-1])
	}
	if r.Threads > 0 {
		fmt.Fprintf(&b, ", %s engine with %d threads", r.Engine, r.Threads)
	} else {
		fmt.Fprintf(&b, ", %s engine", r.Engine)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "responses    %d in %v, %.1f requests/s, %d bytes read\n",
		r.Responses, r.Elapsed.Round(time.Millisecond), r.RequestsPerSecond, r.BytesRead)
	l := r.Latency
	fmt.Fprintf(&b, "latency      min %v  mean %v  p50 %v  p90 %v  p99 %v  p99.9 %v  max %v\n",
		round(l.Min), round(l.Mean), round(l.P50), round(l.P90), round(l.P99), round(l.P999), round(l.Max))
	b.WriteString("status      ")
	if r.Responses == 0 {
		b.WriteString(" none")
	}
	for _, name := range [...]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"} {
		if n := r.Status[name]; n > 0 {
			fmt.Fprintf(&b, " %s %d", name, n)
		}
	}
	b.WriteString("\n")
	if r.ErrorsTotal == 0 {
		b.WriteString("errors       none\n")
	} else {
		fmt.Fprintf(&b, "errors       %d:", r.ErrorsTotal)
		for k := range numKinds {
			if n := r.Errors[k.String()]; n > 0 {
				fmt.Fprintf(&b, " %s %d", k, n)
			}
		}
		b.WriteString("\n")
	}
	if c := r.CPU; c != nil {
		fmt.Fprintf(&b, "generator    CPU %.1f µs per response (user %v, system %v), %.0f%% of %d CPU",
			float64(c.PerResponse)/float64(time.Microsecond), round(c.User), round(c.System), 100*c.Share, c.CPUs)
		if c.CPUs != 1 {
			b.WriteString("s")
		}
		b.WriteString("\n")
		if c.SameHost {
			b.WriteString("note         the target is on this host: unless the two are pinned to different CPUs,\n" +
				"             this CPU was taken from the server, and a costlier tool would report less\n")
		}
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "stopped      %s\n", r.Stopped)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// round keeps three or four significant digits of a latency.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(100 * time.Nanosecond)
	}
	return d
}
