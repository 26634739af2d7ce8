package sweep

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
)

// Stats is what a server's stats endpoint reports about its own process.
// Counts that the process cannot give are -1.
type Stats struct {
	PID        int   `json:"pid"`
	RSS        int64 `json:"rss_bytes"`   // VmRSS from /proc/self/status; -1 outside Linux
	Goroutines int   `json:"goroutines"`  // runtime.NumGoroutine
	HeapInuse  int64 `json:"heap_inuse"`  // runtime.MemStats.HeapInuse
	StackInuse int64 `json:"stack_inuse"` // runtime.MemStats.StackInuse
	// The rest of runtime.MemStats that explains an RSS read without a
	// forced collection: live and dead objects (HeapAlloc), freed spans
	// still in RSS (HeapIdle - HeapReleased), and how much was allocated
	// and collected on the way (TotalAlloc, NumGC). -1 where unknown.
	HeapAlloc    int64 `json:"heap_alloc"`
	HeapIdle     int64 `json:"heap_idle"`
	HeapReleased int64 `json:"heap_released"`
	TotalAlloc   int64 `json:"total_alloc"`
	NumGC        int64 `json:"num_gc"`
}

// ReadStats returns the Stats of the calling process. With gc set it
// first runs a garbage collection and returns freed memory to the
// operating system, so that RSS counts live memory, not garbage that the
// next cycle would free; a server's idle cost is then comparable between
// runtimes that collect at different times.
func ReadStats(gc bool) Stats {
	if gc {
		debug.FreeOSMemory() // forces a collection first
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := Stats{
		PID:        os.Getpid(),
		RSS:        -1,
		Goroutines: runtime.NumGoroutine(),
		HeapInuse:  int64(ms.HeapInuse),
		StackInuse: int64(ms.StackInuse),

		HeapAlloc:    int64(ms.HeapAlloc),
		HeapIdle:     int64(ms.HeapIdle),
		HeapReleased: int64(ms.HeapReleased),
		TotalAlloc:   int64(ms.TotalAlloc),
		NumGC:        int64(ms.NumGC),
	}
	if rss, err := readRSS(os.Getpid()); err == nil {
		s.RSS = rss
	}
	return s
}

// StatsHandler serves ReadStats as JSON. The query "gc=1" asks for a
// collection first.
func StatsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := ReadStats(r.URL.Query().Get("gc") == "1")
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s)
	})
}

// ServeStats serves StatsHandler with the standard library's server on
// a new listener at 127.0.0.1:0, in a goroutine of its own, and returns the
// listener's address for the "stats on ADDR" line. The server runs until
// the process exits: the stats listener is apart from the server under
// test, so that reading stats adds no connection to the measured server.
// Its own goroutines (one accept loop) are the same in every snapshot.
func ServeStats() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: StatsHandler()}
	srv.SetKeepAlivesEnabled(false)
	go srv.Serve(ln)
	return ln.Addr().String(), nil
}

// errNoRSS is returned where the RSS of a process cannot be read.
var errNoRSS = errors.New("sweep: the RSS of a process is read from /proc, which this system lacks")
