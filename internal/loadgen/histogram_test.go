package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactQuantile is the reference definition Quantile approximates: the value
// of rank ceil(q*n) in sorted order.
func exactQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = max(rank, 1)
	return sorted[min(rank, len(sorted))-1]
}

func TestBucketsContiguous(t *testing.T) {
	// Every bucket must start where the previous one ended, and bucketOf
	// must map both ends of a bucket back to it; otherwise values are lost
	// between buckets or counted twice.
	var next int64
	for i := range numBuckets {
		low, width := bucketRange(i)
		if low != next {
			t.Fatalf("bucket %d starts at %d, want %d", i, low, next)
		}
		if got := bucketOf(low); got != i {
			t.Fatalf("bucketOf(%d) = %d, want %d", low, got, i)
		}
		if got := bucketOf(low + width - 1); got != i {
			t.Fatalf("bucketOf(%d) = %d, want %d", low+width-1, got, i)
		}
		if i >= subCount && float64(width)/float64(low) > 1.0/subCount {
			t.Fatalf("bucket %d: width %d too wide for low %d", i, width, low)
		}
		next = low + width
		if next < 0 { // wrapped past MaxInt64: the last bucket
			if i != numBuckets-1 {
				t.Fatalf("buckets end early at %d of %d", i, numBuckets)
			}
			return
		}
	}
	t.Fatalf("buckets end at %d, want MaxInt64", next)
}

func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dists := []struct {
		name string
		gen  func() int64
	}{
		// Uniform over 1 µs .. 10 ms in nanoseconds.
		{"dist=uniform", func() int64 { return 1000 + rng.Int64N(10_000_000) }},
		// Exponential with a 200 µs mean: the long tail of a loaded server.
		{"dist=exponential", func() int64 { return int64(rng.ExpFloat64() * 200_000) }},
		// Log-normal spanning many octaves, with values below 128 too.
		{"dist=lognormal", func() int64 { return int64(math.Exp(rng.NormFloat64()*3 + 8)) }},
	}
	quantiles := []float64{0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1}
	for _, d := range dists {
		t.Run(d.name, func(t *testing.T) {
			h := NewHistogram()
			vals := make([]int64, 200_000)
			for i := range vals {
				vals[i] = d.gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			if h.Count() != uint64(len(vals)) {
				t.Fatalf("Count = %d, want %d", h.Count(), len(vals))
			}
			if h.Min() != vals[0] || h.Max() != vals[len(vals)-1] {
				t.Errorf("Min, Max = %d, %d, want %d, %d", h.Min(), h.Max(), vals[0], vals[len(vals)-1])
			}
			for _, q := range quantiles {
				want := exactQuantile(vals, q)
				got := h.Quantile(q)
				if rel := math.Abs(float64(got-want)) / max(float64(want), 1); rel > MaxRelativeError {
					t.Errorf("Quantile(%v) = %d, want %d (relative error %.5f > %.5f)", q, got, want, rel, MaxRelativeError)
				}
			}
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := range int64(10_000) {
		v := i * i
		all.Record(v)
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(b)
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged Quantile(%v) = %d, want %d", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != all.Count() || a.Min() != all.Min() || a.Mean() != all.Mean() {
		t.Errorf("merged count/min/mean = %d/%d/%v, want %d/%d/%v", a.Count(), a.Min(), a.Mean(), all.Count(), all.Min(), all.Mean())
	}
}

func TestHistogramEmpty(t *testing.T) {
	h := NewHistogram()
	if h.Quantile(0.5) != 0 || h.Min() != 0 || h.Max() != 0 || h.Mean() != 0 {
		t.Errorf("empty histogram: Quantile/Min/Max/Mean = %d/%d/%d/%v, want zeros", h.Quantile(0.5), h.Min(), h.Max(), h.Mean())
	}
	h.Record(-5)
	if h.Max() != 0 {
		t.Errorf("Record(-5) then Max = %d, want 0", h.Max())
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewHistogram()
	var v int64 = 12345
	for i := 0; i < b.N; i++ {
		h.Record(v)
		v = (v*1103515245 + 12345) & 0xffffff
	}
}
