package loadgen

import (
	"math"
	"math/bits"
)

// subBits sets the histogram's precision: each power-of-two range of values
// is split into 1<<subBits equal buckets, so a bucket is never wider than
// 1/128 of its lower bound and its midpoint is within 1/256 (0.39%) of any
// value recorded in it.
const subBits = 7

const (
	subCount = 1 << subBits
	// numBuckets covers every non-negative int64: values below subCount get
	// a bucket each, and each of the 64-subBits higher octaves gets subCount.
	numBuckets = (64 - subBits) * subCount
)

// MaxRelativeError bounds |Quantile(q) - v| / v, where v is the exact
// recorded value at that rank. Values below 128 are exact.
const MaxRelativeError = 1.0 / (2 * subCount)

// Histogram is a log-linear histogram of non-negative int64 values in the
// style of HdrHistogram: exact below 128, and with relative error at most
// [MaxRelativeError] above. Its memory is fixed (about 58 KB) whatever the
// range of values.
//
// A Histogram is not safe for concurrent use; the zero value is not usable,
// call [NewHistogram].
type Histogram struct {
	counts   []uint64
	total    uint64
	sum      float64 // for Mean; float64 so that long runs cannot overflow
	min, max int64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]uint64, numBuckets), min: math.MaxInt64}
}

// bucketOf returns the index of the bucket holding v (v >= 0).
func bucketOf(v int64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - subBits - 1
	top := int(v >> shift) // in [subCount, 2*subCount)
	return (shift+1)*subCount + top - subCount
}

// bucketRange returns the smallest value of bucket i and its width.
func bucketRange(i int) (low, width int64) {
	if i < subCount {
		return int64(i), 1
	}
	shift := i/subCount - 1
	top := int64(i%subCount + subCount)
	return top << shift, 1 << shift
}

// Record adds one value. Negative values are recorded as 0.
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	h.total++
	h.sum += float64(v)
	h.min = min(h.min, v)
	h.max = max(h.max, v)
}

// Merge adds every value recorded in o to h. o is not changed.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	h.sum += o.sum
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

// Count reports how many values were recorded.
func (h *Histogram) Count() uint64 { return h.total }

// Min returns the smallest recorded value exactly, or 0 if there is none.
func (h *Histogram) Min() int64 {
	if h.total == 0 {
		return 0
	}
	return h.min
}

// Max returns the largest recorded value exactly, or 0 if there is none.
func (h *Histogram) Max() int64 { return h.max }

// Mean returns the arithmetic mean of the recorded values, or 0.
func (h *Histogram) Mean() float64 {
	if h.total == 0 {
		return 0
	}
	return h.sum / float64(h.total)
}

// Quantile returns the value at quantile q (0 <= q <= 1): the value whose
// rank is ceil(q*Count()) among the recorded values in ascending order, as
// HdrHistogram defines percentiles. The result is the midpoint of that
// value's bucket clamped to [Min, Max], so it is within [MaxRelativeError] of
// the exact value; Quantile(1) is Max exactly. It returns 0 when the
// histogram is empty.
//
// The complexity is O(number of buckets), about 7300.
func (h *Histogram) Quantile(q float64) int64 {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	rank = max(rank, 1)
	if rank >= h.total {
		return h.max
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			low, width := bucketRange(i)
			v := low + width/2
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

// Bin is one row of a [Histogram.Distribution]: Count values in [Low, High).
type Bin struct {
	Low   int64  `json:"low"`
	High  int64  `json:"high"`
	Count uint64 `json:"count"`
}

// Distribution groups the recorded values into at most n bins whose edges
// are spaced evenly on a log scale from Min to Max, the last bin holding
// Max. A value counts in the bin that holds its bucket's midpoint (clamped
// to [Min, Max]), so an edge is blurred by at most [MaxRelativeError].
// Bins whose integer edges would coincide are merged, so there may be
// fewer than n. It returns nil for an empty histogram or n < 1.
//
// The complexity is O(number of buckets + n).
func (h *Histogram) Distribution(n int) []Bin {
	if h.total == 0 || n < 1 {
		return nil
	}
	lo, hi := h.min, h.max
	if lo == hi {
		return []Bin{{Low: lo, High: hi + 1, Count: h.total}}
	}
	// Edges lo*r^i with r = (hi/lo)^(1/n); a zero minimum starts the log
	// scale at 1.
	base := math.Max(float64(lo), 1)
	ratio := math.Pow(float64(hi)/base, 1/float64(n))
	edges := []int64{lo}
	for i := 1; i < n; i++ {
		e := int64(math.Round(base * math.Pow(ratio, float64(i))))
		if e > edges[len(edges)-1] && e <= hi {
			edges = append(edges, e)
		}
	}
	bins := make([]Bin, len(edges))
	for i, e := range edges {
		bins[i].Low = e
		if i+1 < len(edges) {
			bins[i].High = edges[i+1]
		} else {
			bins[i].High = hi + 1
		}
	}
	j := 0
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		low, width := bucketRange(i)
		v := min(max(low+width/2, lo), hi)
		for v >= bins[j].High {
			j++
		}
		bins[j].Count += c
	}
	return bins
}
