package loop

import (
	"sync"
	"sync/atomic"
)

// fdTable maps descriptor numbers to their pollDescs for one reactor.
//
// The reactor looks a descriptor up for every event, so a lookup takes no
// lock: it loads the chunk list and one slot, both atomic. A lock that a
// user goroutine could hold would let a preempted or descheduled goroutine
// stall every connection of the reactor (issue 13: the watchdog once saw
// the reactor wait 155 ms in RWMutex.RLock on the map this replaces, behind
// a writer that registered a descriptor while the map grew). Writers
// (register, on user goroutines) serialize on mu only to add a chunk;
// removing is a compare-and-swap of one slot.
//
// Descriptor numbers are small and dense (the kernel hands out the lowest
// free one), so chunks of fdChunk slots, allocated on first use, cover them
// without a map.
type fdTable struct {
	mu     sync.Mutex                 // serializes adding chunks; never taken by the reactor
	chunks atomic.Pointer[[]*fdChunk] // copy-on-write list; chunks are shared between copies
}

const fdChunkSize = 256

type fdChunk [fdChunkSize]atomic.Pointer[pollDesc]

// slot returns fd's slot, or nil if its chunk does not exist.
func (t *fdTable) slot(fd int) *atomic.Pointer[pollDesc] {
	cs := t.chunks.Load()
	if fd < 0 || cs == nil || fd/fdChunkSize >= len(*cs) {
		return nil
	}
	c := (*cs)[fd/fdChunkSize]
	if c == nil {
		return nil
	}
	return &c[fd%fdChunkSize]
}

// load returns the pollDesc registered for fd, or nil. It never blocks.
func (t *fdTable) load(fd int) *pollDesc {
	if s := t.slot(fd); s != nil {
		return s.Load()
	}
	return nil
}

// store registers pd under pd.fd. The complexity is O(1), plus
// O(fd/fdChunkSize) the first time a chunk is needed.
func (t *fdTable) store(pd *pollDesc) {
	if s := t.slot(int(pd.fd)); s != nil {
		s.Store(pd)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var old []*fdChunk
	if cs := t.chunks.Load(); cs != nil {
		old = *cs
	}
	i := int(pd.fd) / fdChunkSize
	cs := old
	if i >= len(old) || old[i] == nil {
		cs = make([]*fdChunk, max(len(old), i+1))
		copy(cs, old)
		cs[i] = new(fdChunk)
		t.chunks.Store(&cs)
	}
	cs[i][pd.fd%fdChunkSize].Store(pd)
}

// remove unregisters pd if it is still fd's: a reused number registered
// since is left alone.
func (t *fdTable) remove(pd *pollDesc) {
	if s := t.slot(int(pd.fd)); s != nil {
		s.CompareAndSwap(pd, nil)
	}
}

// all returns every registered pollDesc.
func (t *fdTable) all() []*pollDesc {
	var pds []*pollDesc
	cs := t.chunks.Load()
	if cs == nil {
		return nil
	}
	for _, c := range *cs {
		if c == nil {
			continue
		}
		for i := range c {
			if pd := c[i].Load(); pd != nil {
				pds = append(pds, pd)
			}
		}
	}
	return pds
}
