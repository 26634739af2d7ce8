//go:build !linux

package loadgen

// defaultEngine is the goroutine engine: the epoll engine is Linux-only.
const defaultEngine = EngineGoroutine

// epollEngine is nil: there is no epoll here. (The BSDs' kqueue could carry
// the same design; it is not written.)
var epollEngine engineFunc
