package sweep

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evshim/evshim/internal/doctor"
	"github.com/google/go-cmp/cmp"
)

// testReport is a report with made-up measurements: three servers, two
// levels, two rounds.
func testReport() *Report {
	r := &Report{
		Facts:    doctor.Facts{Cores: 2},
		Shared:   "client and servers share a made-up machine",
		Servers:  []Server{{Name: "compat/http"}, {Name: Baseline}, {Name: "a<b>&c"}},
		Levels:   []int{10, 1000},
		Duration: time.Second,
		Rounds:   2,
	}
	rps := map[string]float64{"compat/http": 300, Baseline: 200, "a<b>&c": 100}
	for round := 1; round <= 2; round++ {
		for _, ka := range []bool{true, false} {
			for _, c := range r.Levels {
				for _, s := range r.Servers {
					pt := Point{Server: s.Name, Round: round, Concurrency: c, KeepAlive: ka,
						RPS: rps[s.Name] * float64(round), P99: time.Duration(round) * time.Millisecond}
					if s.Name == "a<b>&c" && c == 1000 {
						pt.Failed = 7
					}
					r.Points = append(r.Points, pt)
				}
			}
		}
	}
	r.Idle = []Idle{
		{Server: "compat/http", Round: 1, Conns: 100, Before: Stats{RSS: 1000, Goroutines: 5}, After: Stats{RSS: 101000, Goroutines: 5}, RSSPerConn: 1000, GoroutinesPerConn: 0},
		{Server: Baseline, Round: 1, Conns: 100, Before: Stats{RSS: 1000, Goroutines: 5}, After: Stats{RSS: 2001000, Goroutines: 105}, RSSPerConn: 20000, GoroutinesPerConn: 1},
		{Server: "a<b>&c", Round: 1, Conns: 100, Before: Stats{RSS: 1000, Goroutines: -1}, After: Stats{RSS: 51000, Goroutines: -1}, RSSPerConn: 500, GoroutinesPerConn: -1},
	}
	r.summarize()
	return r
}

func TestSummarize(t *testing.T) {
	r := testReport()
	if got, want := len(r.Summary), 3*2*2; got != want {
		t.Fatalf("%d summary rows, want %d", got, want)
	}
	for _, row := range r.Summary {
		// Rounds give 1x and 2x the base rate: the median of two is 1.5x.
		base := map[string]float64{"compat/http": 300, Baseline: 200, "a<b>&c": 100}[row.Server]
		if row.RPS != 1.5*base || row.P99 != 1500*time.Microsecond || row.Rounds != 2 {
			t.Errorf("%+v: want RPS %v, p99 1.5ms, 2 rounds", row, 1.5*base)
		}
		if want := base / 200; math.Abs(row.RPSRatio-want) > 1e-9 || row.P99Ratio != 1 {
			t.Errorf("%+v: want RPS ratio %v and p99 ratio 1", row, want)
		}
		wantFailed := int64(0)
		if row.Server == "a<b>&c" && row.Concurrency == 1000 {
			wantFailed = 14 // summed over the two rounds
		}
		if row.Failed != wantFailed {
			t.Errorf("%+v: failed %d, want %d", row, row.Failed, wantFailed)
		}
	}
	want := []IdleRow{
		{Server: "compat/http", Conns: 100, Rounds: 1, RSSPerConn: 1000, GoroutinesPerConn: 0},
		{Server: Baseline, Conns: 100, Rounds: 1, RSSPerConn: 20000, GoroutinesPerConn: 1},
		{Server: "a<b>&c", Conns: 100, Rounds: 1, RSSPerConn: 500, GoroutinesPerConn: -1},
	}
	if diff := cmp.Diff(want, r.IdleTable); diff != "" {
		t.Errorf("idle summary mismatch (-want +got):\n%s", diff)
	}
}

func TestSummarizeWithoutBaseline(t *testing.T) {
	r := &Report{Servers: []Server{{Name: "x"}}, Levels: []int{10}, Rounds: 1,
		Points: []Point{{Server: "x", Round: 1, Concurrency: 10, KeepAlive: true, RPS: 5}}}
	r.summarize()
	if len(r.Summary) != 1 || r.Summary[0].RPSRatio != 0 {
		t.Errorf("summary %+v: want one row without a ratio", r.Summary)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "vs "+Baseline) {
		t.Errorf("table without %s has a ratio column:\n%s", Baseline, b.String())
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{in: []float64{3}, want: 3},
		{in: []float64{3, 1, 2}, want: 2},
		{in: []float64{4, 1, 3, 2}, want: 2.5},
		{in: []float64{9, 9, 1}, want: 9},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !cmp.Equal(in, tt.in) {
			t.Errorf("median modified its input: %v, was %v", tt.in, in)
		}
	}
}

// svgChart is the part of the chart the tests read.
type svgChart struct {
	XMLName   xml.Name `xml:"svg"`
	Polylines []struct {
		Server string `xml:"data-server,attr"`
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Circles []struct {
		Title string `xml:"title"`
	} `xml:"circle"`
}

func TestWriteSVG(t *testing.T) {
	r := testReport()
	for _, keepAlive := range []bool{true, false} {
		var b strings.Builder
		if err := r.WriteSVG(&b, keepAlive); err != nil {
			t.Fatal(err)
		}
		checkWellFormed(t, b.String())
		var chart svgChart
		if err := xml.Unmarshal([]byte(b.String()), &chart); err != nil {
			t.Fatalf("keepAlive=%v: %v", keepAlive, err)
		}
		var got []string
		for _, p := range chart.Polylines {
			got = append(got, p.Server)
			if n := len(strings.Fields(p.Points)); n != len(r.Levels) {
				t.Errorf("polyline %q has %d points, want %d", p.Server, n, len(r.Levels))
			}
		}
		if diff := cmp.Diff([]string{"compat/http", Baseline, "a<b>&c"}, got); diff != "" {
			t.Errorf("keepAlive=%v: polylines per server mismatch (-want +got):\n%s", keepAlive, diff)
		}
		var rings []string
		for _, c := range chart.Circles {
			if c.Title != "" {
				rings = append(rings, c.Title)
			}
		}
		if diff := cmp.Diff([]string{"a<b>&c c=1000: 14 failed"}, rings); diff != "" {
			t.Errorf("keepAlive=%v: failure rings mismatch (-want +got):\n%s", keepAlive, diff)
		}
	}
}

// checkWellFormed fails t unless s is one well-formed XML document.
func checkWellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
		}
	}
}

func TestWriteText(t *testing.T) {
	r := testReport()
	r.Capped = []string{"concurrency 20000 capped to 19936: test"}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"machine: os=", "note: client and servers share", "capped: concurrency 20000",
		"keep-alive (ab -k)", "new connection per request (ab)", "vs net/http",
		"1.50x", "0.50x", "19.53 KiB", "0.98 KiB", "1.000", "?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// One line per summary row plus a header per mode.
	lines := 0
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 && (f[0] == "10" || f[0] == "1000") {
			lines++
		}
	}
	if lines != len(r.Summary) {
		t.Errorf("%d data rows in the table, want %d:\n%s", lines, len(r.Summary), out)
	}
}

func TestReportJSON(t *testing.T) {
	b, err := json.Marshal(testReport())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine struct {
			Cores int `json:"cores"`
		} `json:"machine"`
		Summary []map[string]any `json:"summary"`
		Idle    []map[string]any `json:"idle_summary"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Machine.Cores != 2 || len(got.Summary) != 12 || len(got.Idle) != 3 {
		t.Fatalf("cores %d, %d summary rows, %d idle rows; want 2, 12, 3", got.Machine.Cores, len(got.Summary), len(got.Idle))
	}
	for _, key := range []string{"server", "concurrency", "keep_alive", "requests_per_second", "failed", "p99_ns", "rps_ratio"} {
		if _, ok := got.Summary[0][key]; !ok {
			t.Errorf("summary row lacks %q: %v", key, got.Summary[0])
		}
	}
}

func TestCapConcurrency(t *testing.T) {
	f := doctor.Facts{NofileHard: 20000, PortLow: 32768, PortHigh: 60999}
	tests := []struct {
		name      string
		want      []int
		facts     doctor.Facts
		spread    bool
		levels    []int
		wantNotes int
	}{
		{name: "fits", want: []int{10, 100, 10000}, facts: f, spread: true, levels: []int{10, 100, 10000}},
		{name: "unsorted-dup", want: []int{100, 10, 100}, facts: f, spread: true, levels: []int{10, 100}},
		{name: "nofile", want: []int{10, 30000}, facts: f, spread: true, levels: []int{10, 19936}, wantNotes: 1},
		{name: "ports", want: []int{10, 30000}, facts: doctor.Facts{NofileHard: 1 << 20, PortLow: 32768, PortHigh: 60999},
			spread: false, levels: []int{10, 28232}, wantNotes: 1},
		{name: "unknown", want: []int{10, 50000}, facts: doctor.Facts{NofileHard: -1, PortLow: -1, PortHigh: -1}, levels: []int{10, 50000}},
		{name: "all-capped", want: []int{30000, 40000}, facts: f, spread: true, levels: []int{19936}, wantNotes: 2},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			got, notes := capConcurrency(tt.want, tt.facts, tt.spread)
			if !cmp.Equal(got, tt.levels) || len(notes) != tt.wantNotes {
				t.Errorf("capConcurrency(%v) = %v, %q; want %v and %d notes", tt.want, got, notes, tt.levels, tt.wantNotes)
			}
		})
	}
}

func TestParseServer(t *testing.T) {
	got, err := ParseServer("fasthttp= ./bin/fasthttp  -x 1 ")
	want := Server{Name: "fasthttp", Command: []string{"./bin/fasthttp", "-x", "1"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ParseServer = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"", "noequals", "=cmd", "name=", "name=  "} {
		if _, err := ParseServer(bad); err == nil {
			t.Errorf("ParseServer(%q) succeeded, want an error", bad)
		}
	}
}

func TestAnnouncer(t *testing.T) {
	a := &announcer{found: make(chan announcement, 1)}
	// Split across writes, with noise before and after.
	for _, s := range []string{"starting\nstats o", "n 127.0.0.1:1\r\nlisten", "ing on 127.0.0.1:2\nmore\n"} {
		if n, err := a.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	select {
	case got := <-a.found:
		if want := (announcement{addr: "127.0.0.1:2", stats: "127.0.0.1:1"}); got != want {
			t.Errorf("announcement %+v, want %+v", got, want)
		}
	default:
		t.Fatal("no announcement")
	}
}

func TestStatsHandler(t *testing.T) {
	srv := httptest.NewServer(StatsHandler())
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/stats?gc=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.PID != os.Getpid() || s.Goroutines < 2 || s.HeapInuse <= 0 || s.StackInuse <= 0 {
		t.Errorf("stats %+v: want this pid, goroutines, heap and stack", s)
	}
	if runtime.GOOS == "linux" && s.RSS < s.HeapInuse/2 {
		t.Errorf("RSS %d is implausibly small next to heap %d", s.RSS, s.HeapInuse)
	}
	if runtime.GOOS != "linux" && s.RSS != -1 {
		t.Errorf("RSS %d outside Linux, want -1", s.RSS)
	}
}

func TestReadRSSMissingProcess(t *testing.T) {
	// PIDs are below 1<<22 on Linux, so this one never exists.
	if _, err := readRSS(1 << 30); err == nil {
		t.Error("readRSS of a missing process succeeded")
	} else if runtime.GOOS != "linux" && !errors.Is(err, errNoRSS) {
		t.Errorf("readRSS error %v, want errNoRSS", err)
	}
}

func TestStartFails(t *testing.T) {
	// A command that exits at once without announcing itself.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, err = start(context.Background(), Server{Name: "silent", Command: []string{exe, "-test.run=^$"}})
	if err == nil || !strings.Contains(err.Error(), "exited before") {
		t.Errorf("start of a silent command: %v, want an \"exited before\" error", err)
	}
}
