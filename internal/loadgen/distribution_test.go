package loadgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestDistribution(t *testing.T) {
	h := NewHistogram()
	if got := h.Distribution(10); got != nil {
		t.Errorf("empty histogram: Distribution = %v, want nil", got)
	}
	// Values below 128 are exact, so the counts per bin are exact too.
	for range 10 {
		h.Record(3)
	}
	for range 20 {
		h.Record(50)
	}
	h.Record(120)
	bins := h.Distribution(8)
	if len(bins) == 0 || len(bins) > 8 {
		t.Fatalf("Distribution(8) has %d bins, want 1 to 8", len(bins))
	}
	if bins[0].Low != 3 || bins[len(bins)-1].High != 121 {
		t.Errorf("bins span [%d, %d), want [3, 121)", bins[0].Low, bins[len(bins)-1].High)
	}
	var total uint64
	for i, b := range bins {
		total += b.Count
		if b.Low >= b.High || (i > 0 && bins[i-1].High != b.Low) {
			t.Errorf("bin %d is [%d, %d) after [%d, %d): want contiguous, non-empty ranges", i, b.Low, b.High, bins[max(i-1, 0)].Low, bins[max(i-1, 0)].High)
		}
		for v, want := range map[int64]uint64{3: 10, 50: 20, 120: 1} {
			if b.Low <= v && v < b.High && b.Count < want {
				t.Errorf("bin [%d, %d) holds %d values, want at least the %d recorded as %d", b.Low, b.High, b.Count, want, v)
			}
		}
	}
	if total != h.Count() {
		t.Errorf("bins hold %d values, want %d", total, h.Count())
	}

	one := NewHistogram()
	one.Record(7)
	one.Record(7)
	if got := one.Distribution(5); len(got) != 1 || got[0] != (Bin{Low: 7, High: 8, Count: 2}) {
		t.Errorf("one value twice: Distribution = %v, want [{7 8 2}]", got)
	}
	if got := one.Distribution(0); got != nil {
		t.Errorf("Distribution(0) = %v, want nil", got)
	}
}

func TestDistributionWideRange(t *testing.T) {
	// A log-normal-ish spread from 1µs to 1s: every value lands in a bin
	// whose range holds it, within the histogram's relative error.
	h := NewHistogram()
	for v := int64(1000); v <= 1e9; v = v*11/10 + 1 {
		h.Record(v)
	}
	bins := h.Distribution(HistogramBins)
	if len(bins) != HistogramBins {
		t.Errorf("Distribution(%d) has %d bins, want %d", HistogramBins, len(bins), HistogramBins)
	}
	var total uint64
	for _, b := range bins {
		total += b.Count
	}
	if total != h.Count() {
		t.Errorf("bins hold %d values, want %d", total, h.Count())
	}
}

func TestWriteHistogram(t *testing.T) {
	h := NewHistogram()
	for v := int64(1); v <= 100; v++ {
		for range int(v) {
			h.Record(v * 1000) // 1µs to 100µs, more of the slower ones
		}
	}
	r := &Result{Histogram: h}
	r.SetDistribution(10)
	var out bytes.Buffer
	if err := r.WriteHistogram(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(r.Distribution)+1 || !strings.HasPrefix(lines[0], "latency histogram (") {
		t.Fatalf("want a title and %d rows, got:\n%s", len(r.Distribution), out.String())
	}
	full := "|" + strings.Repeat("#", barWidth) + "|"
	fullRows := 0
	for _, l := range lines[1:] {
		if strings.Contains(l, full) {
			fullRows++
		}
		if !strings.Contains(l, "|#") {
			t.Errorf("row %q has no bar: every non-empty bin shows at least one mark", l)
		}
	}
	if fullRows == 0 {
		t.Errorf("no row has a full bar; the largest bin should:\n%s", out.String())
	}
	if !strings.Contains(lines[len(lines)-1], "100.0%") {
		t.Errorf("last row %q does not reach 100.0%% cumulative", lines[len(lines)-1])
	}

	var empty bytes.Buffer
	(&Result{Histogram: NewHistogram()}).WriteHistogram(&empty)
	if !strings.Contains(empty.String(), "no responses") {
		t.Errorf("empty result: %q, want \"no responses\"", empty.String())
	}
}
