package loop

import (
	"fmt"
	"os"
	"sync"

	"github.com/panjf2000/gnet/v2/pkg/logging"
)

// gnetLogger takes gnet's process-global log (pkg/netpoll reports epoll
// failures through it), whose default writes to stdout: a program's stdout
// is its own. Errors and warnings go to stderr with a prefix; debug and
// info lines are dropped.
type gnetLogger struct{}

func (gnetLogger) Debugf(string, ...any) {}
func (gnetLogger) Infof(string, ...any)  {}
func (gnetLogger) Warnf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "evshim: gnet: warning: "+format+"\n", args...)
}
func (gnetLogger) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "evshim: gnet: "+format+"\n", args...)
}

// Fatalf reports without exiting: the loop decides what a failure means.
func (gnetLogger) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "evshim: gnet: fatal: "+format+"\n", args...)
}

var routeLogOnce sync.Once

// routeGnetLog installs gnetLogger, once, unless GNET_LOGGING_FILE asks
// gnet to log to a file of the user's choosing.
func routeGnetLog() {
	routeLogOnce.Do(func() {
		if os.Getenv("GNET_LOGGING_FILE") == "" {
			logging.SetDefaultLoggerAndFlusher(gnetLogger{}, nil)
		}
	})
}
