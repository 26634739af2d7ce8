package signal

import "os"

// SetFanOutHook makes f run at the start of every fan-out, on the goroutine
// that fans out (a loop reactor). It returns a func that removes f.
func SetFanOutHook(f func()) (restore func()) {
	table.mu.Lock()
	table.testHookFanOut = f
	table.mu.Unlock()
	return func() { SetFanOutHook(nil) }
}

// SetRelayedHook makes f run on the relay for every signal it receives from
// os/signal, before the signal is queued for the loop. It returns a func
// that removes f.
func SetRelayedHook(f func(os.Signal)) (restore func()) {
	table.mu.Lock()
	table.testHookRelayed = f
	table.mu.Unlock()
	return func() { SetRelayedHook(nil) }
}

// SetStopWaitHook makes f run in Stop after the channel has left the
// handler table and before Stop waits for the relay. It returns a func that
// removes f.
func SetStopWaitHook(f func()) (restore func()) {
	table.mu.Lock()
	table.testHookStopWait = f
	table.mu.Unlock()
	return func() { SetStopWaitHook(nil) }
}

// RelayRunning reports whether the relay goroutine runs.
func RelayRunning() bool {
	table.reg.Lock()
	defer table.reg.Unlock()
	return table.relay != nil
}
