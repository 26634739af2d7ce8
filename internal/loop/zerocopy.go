package loop

import "sync/atomic"

// zeroCopied counts the bytes that compat/net moved into loop sockets
// with sendfile(2) and with splice(2), for the tests that prove those
// paths are taken (bytes moved either way also count in Stats.BytesOut).
var zeroCopied struct {
	sendfile, splice atomic.Int64
}

// CountSendfile records n bytes sent with sendfile(2).
func CountSendfile(n int64) { zeroCopied.sendfile.Add(n) }

// CountSplice records n bytes moved with splice(2).
func CountSplice(n int64) { zeroCopied.splice.Add(n) }

// ZeroCopied returns the bytes moved with sendfile(2) and with splice(2)
// since the process started.
func ZeroCopied() (sendfile, splice int64) {
	return zeroCopied.sendfile.Load(), zeroCopied.splice.Load()
}
