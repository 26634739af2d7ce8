package queue

// entry is one element of a priority queue with its insertion number.
type entry[T any] struct {
	v   T
	seq uint64
}

// prioHeap is a binary min-heap ordered by less, with ties broken by
// insertion order so that equal items leave in the order they came (the
// heapq documentation's "entry count" recipe, built in). It is not safe for
// concurrent use; the Queue's mutex guards it.
//
// It is written out rather than built on container/heap because heap.Push
// takes an any, which would allocate on every put.
type prioHeap[T any] struct {
	less   func(a, b T) bool // immutable; nil for FIFO and LIFO queues
	es     []entry[T]
	seq    uint64 // the next insertion number
	noTrim bool   // never shrink es: set for bounded queues (see ring.shrink)
}

func (h *prioHeap[T]) len() int { return len(h.es) }

// before reports whether element i must leave before element j.
func (h *prioHeap[T]) before(i, j int) bool {
	a, b := &h.es[i], &h.es[j]
	if h.less(a.v, b.v) {
		return true
	}
	if h.less(b.v, a.v) {
		return false
	}
	return a.seq < b.seq
}

func (h *prioHeap[T]) push(v T) {
	h.es = append(h.es, entry[T]{v: v, seq: h.seq})
	h.seq++
	for i := len(h.es) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.before(i, p) {
			break
		}
		h.es[i], h.es[p] = h.es[p], h.es[i]
		i = p
	}
}

func (h *prioHeap[T]) top() T { return h.es[0].v }

func (h *prioHeap[T]) pop() T {
	v := h.es[0].v
	last := len(h.es) - 1
	h.es[0] = h.es[last]
	h.es[last] = entry[T]{} // let the GC have it
	h.es = h.es[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= last {
			break
		}
		c := l
		if r := l + 1; r < last && h.before(r, l) {
			c = r
		}
		if !h.before(c, i) {
			break
		}
		h.es[i], h.es[c] = h.es[c], h.es[i]
		i = c
	}
	// Give back the memory of a burst, with the same hysteresis as ring.
	if !h.noTrim && cap(h.es) > minShrink && len(h.es) <= cap(h.es)/4 {
		h.es = append(make([]entry[T], 0, cap(h.es)/2), h.es...)
	}
	return v
}

func (h *prioHeap[T]) clear() { h.es = nil }
