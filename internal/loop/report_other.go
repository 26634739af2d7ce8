//go:build !unix

package loop

import "os"

// No SIGUSR1/2 here: EVSHIM_DEBUG_SIGNAL accepts QUIT only.
var sigUSR1, sigUSR2 os.Signal
