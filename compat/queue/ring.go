package queue

// ring is a growable circular buffer used as a deque: FIFO queues push at
// the back and pop at the front, LIFO queues push and pop at the back. Its
// zero value is empty. It is not safe for concurrent use; the Queue's mutex
// guards it.
type ring[T any] struct {
	buf    []T  // len(buf) is zero or a power of two
	head   int  // index of the front element
	n      int  // number of elements
	noTrim bool // never shrink buf: set for bounded queues
}

// minShrink is the smallest buffer that pop shrinks. Below it the memory is
// not worth the copying.
const minShrink = 64

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) pushBack(v T) {
	if r.n == len(r.buf) {
		r.resize(max(8, 2*len(r.buf)))
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

func (r *ring[T]) front() T { return r.buf[r.head] }

func (r *ring[T]) back() T { return r.buf[(r.head+r.n-1)&(len(r.buf)-1)] }

func (r *ring[T]) popFront() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero // let the GC have it
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.shrink()
	return v
}

func (r *ring[T]) popBack() T {
	var zero T
	i := (r.head + r.n - 1) & (len(r.buf) - 1)
	v := r.buf[i]
	r.buf[i] = zero
	r.n--
	r.shrink()
	return v
}

// shrink halves a buffer that is at most a quarter full, so that a burst
// through an unbounded queue does not pin its peak memory forever. The gap
// between the two thresholds keeps a queue that hovers around one size from
// copying back and forth. A bounded queue keeps its buffer: its size is
// capped already, and one that swings between empty and full would
// otherwise reallocate on every swing (measured: about 20 B per operation
// in BenchmarkQueue).
func (r *ring[T]) shrink() {
	if !r.noTrim && len(r.buf) > minShrink && r.n <= len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	if r.n > 0 {
		if end := r.head + r.n; end <= len(r.buf) {
			copy(buf, r.buf[r.head:end])
		} else {
			k := copy(buf, r.buf[r.head:])
			copy(buf[k:], r.buf[:end-len(r.buf)])
		}
	}
	r.buf, r.head = buf, 0
}

// clear drops every element and the buffer.
func (r *ring[T]) clear() { *r = ring[T]{noTrim: r.noTrim} }
