package queue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/evshim/evshim/compat/queue"
)

// model is the reference the differential tests compare against: Python's
// queue semantics written as plainly as possible, a slice scanned linearly,
// with no concurrency. Only calls that do not wait are modelled; a blocking
// call is made with a context that has already ended, which makes it return
// where it would otherwise park.
type model struct {
	kind       int // kindFIFO, kindLIFO or kindPriority
	max        int // 0: unbounded
	items      []modelItem
	seq        int
	unfinished int
	shut       bool
}

type modelItem struct {
	v   item
	seq int
}

const (
	kindFIFO = iota
	kindLIFO
	kindPriority
	numKinds
)

func (m *model) full() bool { return m.max > 0 && len(m.items) >= m.max }

func (m *model) put(v item, ctxErr error) error {
	switch {
	case m.shut:
		return queue.ErrShutDown
	case m.full() && ctxErr != nil:
		return ctxErr
	case m.full():
		return queue.ErrFull
	}
	m.items = append(m.items, modelItem{v, m.seq})
	m.seq++
	m.unfinished++
	return nil
}

// next returns the index of the item a get takes.
func (m *model) next() int {
	switch m.kind {
	case kindLIFO:
		return len(m.items) - 1
	case kindPriority:
		best := 0
		for i, it := range m.items {
			b := m.items[best]
			if it.v.Pri < b.v.Pri || it.v.Pri == b.v.Pri && it.seq < b.seq {
				best = i
			}
		}
		return best
	}
	return 0
}

func (m *model) get(remove bool, ctxErr error) (item, error) {
	switch {
	case len(m.items) > 0:
		i := m.next()
		v := m.items[i].v
		if remove {
			m.items = append(m.items[:i], m.items[i+1:]...)
		}
		return v, nil
	case m.shut:
		return item{}, queue.ErrShutDown
	case ctxErr != nil:
		return item{}, ctxErr
	}
	return item{}, queue.ErrEmpty
}

func (m *model) taskDone() error {
	if m.unfinished == 0 {
		return queue.ErrTooManyTaskDone
	}
	m.unfinished--
	return nil
}

func (m *model) join(ctxErr error) error {
	if m.unfinished == 0 {
		return nil
	}
	return ctxErr
}

func (m *model) shutdown(immediate bool) {
	m.shut = true
	if immediate {
		m.unfinished = max(m.unfinished-len(m.items), 0)
		m.items = nil
	}
}

// The operations of a program; each takes one argument byte.
const (
	opTryPut = iota
	opPutCanceled
	opTryGet
	opGetCanceled
	opTryPeek
	opPeekCanceled
	opTaskDone
	opJoinCanceled
	opShutdown
	numOps
)

// runProgram decodes data into a queue and a sequence of operations, runs
// them against the queue and the model, and fails on the first difference.
// data[0] picks the kind, data[1] the bound; then each pair of bytes is an
// operation and its argument.
func runProgram(t *testing.T, data []byte) {
	if len(data) < 2 {
		return
	}
	m := &model{kind: int(data[0]) % numKinds, max: int(data[1]) % 6}
	var q *queue.Queue[item]
	switch m.kind {
	case kindFIFO:
		q = queue.New[item](m.max)
	case kindLIFO:
		q = queue.NewLIFO[item](m.max)
	default:
		q = queue.NewPriority(m.max, lessPri)
	}
	ctx := canceled()
	ctxErr := context.Canceled
	for i := 2; i+1 < len(data); i += 2 {
		op, arg := int(data[i])%numOps, data[i+1]
		// Few priorities, so that ties are common.
		v := item{Pri: int(arg % 4), ID: i}
		var desc string
		var got, want error
		var gotV, wantV item
		switch op {
		case opTryPut:
			desc = fmt.Sprintf("TryPut(%v)", v)
			got, want = q.TryPut(v), m.put(v, nil)
		case opPutCanceled:
			desc = fmt.Sprintf("Put(canceled, %v)", v)
			got, want = q.Put(ctx, v), m.put(v, ctxErr)
		case opTryGet:
			desc = "TryGet()"
			gotV, got = q.TryGet()
			wantV, want = m.get(true, nil)
		case opGetCanceled:
			desc = "Get(canceled)"
			gotV, got = q.Get(ctx)
			wantV, want = m.get(true, ctxErr)
		case opTryPeek:
			desc = "TryPeek()"
			gotV, got = q.TryPeek()
			wantV, want = m.get(false, nil)
		case opPeekCanceled:
			desc = "Peek(canceled)"
			gotV, got = q.Peek(ctx)
			wantV, want = m.get(false, ctxErr)
		case opTaskDone:
			desc = "TaskDone()"
			got, want = q.TaskDone(), m.taskDone()
		case opJoinCanceled:
			desc = "Join(canceled)"
			got, want = q.Join(ctx), m.join(ctxErr)
		case opShutdown:
			immediate := arg%2 == 1
			desc = fmt.Sprintf("Shutdown(%v)", immediate)
			q.Shutdown(immediate)
			m.shutdown(immediate)
		}
		if got != want || gotV != wantV {
			t.Fatalf("program %x, step %d: %s = %v, %v; model says %v, %v", data, i/2, desc, gotV, got, wantV, want)
		}
		if q.Len() != len(m.items) || q.Full() != m.full() || q.Empty() != (len(m.items) == 0) || q.Unfinished() != m.unfinished {
			t.Fatalf("program %x, after step %d (%s): Len=%d Full=%v Empty=%v Unfinished=%d; model has %d items, Full=%v, Unfinished=%d",
				data, i/2, desc, q.Len(), q.Full(), q.Empty(), q.Unfinished(), len(m.items), m.full(), m.unfinished)
		}
	}
}

// TestModel is the differential test: random programs, biased towards puts
// so that queues fill up and grow, run against the queue and the model.
func TestModel(t *testing.T) {
	const programs, steps = 600, 300
	for seed := range uint64(programs) {
		r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		data := []byte{byte(seed % numKinds), byte(r.IntN(6))}
		if seed%4 == 0 {
			data[1] = 0 // unbounded queues see the ring grow and shrink
		}
		for range steps {
			op := byte(r.IntN(numOps))
			if r.IntN(3) == 0 {
				op = opTryPut
			}
			if op == opShutdown && r.IntN(8) != 0 {
				op = opTryGet // keep most programs running for a while
			}
			data = append(data, op, byte(r.Uint32()))
		}
		runProgram(t, data)
	}
}

// FuzzQueue runs the same differential check on fuzzer-made programs. The
// seeds cover each kind, bounded and not, and each operation.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{kindFIFO, 2, opTryPut, 1, opTryPut, 2, opTryPut, 3, opTryGet, 0, opTaskDone, 0, opJoinCanceled, 0})
	f.Add([]byte{kindLIFO, 0, opTryPut, 1, opTryPut, 2, opTryPeek, 0, opGetCanceled, 0, opGetCanceled, 0, opGetCanceled, 0})
	f.Add([]byte{kindPriority, 3, opTryPut, 3, opTryPut, 1, opTryPut, 1, opPutCanceled, 0, opTryGet, 0, opTryGet, 0})
	f.Add([]byte{kindFIFO, 1, opTryPut, 0, opPutCanceled, 1, opShutdown, 0, opTryPut, 0, opTryGet, 0, opTryGet, 0, opTaskDone, 0})
	f.Add([]byte{kindPriority, 0, opTryPut, 2, opTryPut, 2, opTryGet, 0, opShutdown, 1, opJoinCanceled, 0, opTaskDone, 0, opTaskDone, 0})
	f.Add([]byte{kindLIFO, 4, opPeekCanceled, 0, opTryPut, 5, opPeekCanceled, 0, opShutdown, 1, opPeekCanceled, 0})
	f.Fuzz(runProgram)
}
