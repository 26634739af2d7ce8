//go:build !unix

package signal

import "os"

// cooperative is false here: none of these platforms has a loop (see
// loop.Available), and plan9 names its signals with notes, not numbers.
// Every function of the package calls os/signal directly.
const cooperative = false

// signum and signalOf exist so that the portable code compiles; with
// cooperative false they are never called.
func signum(os.Signal) int   { return -1 }
func signalOf(int) os.Signal { return nil }
