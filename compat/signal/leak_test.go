//go:build unix

package signal_test

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/evshim/evshim/compat/signal"
	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// TestNoTraceWhenUnused: once every channel is stopped (and every
// NotifyContext canceled), neither this package's relay nor the loop it
// delivers through runs a goroutine. goleak's defaults leave out only
// os/signal's own receiver, which the runtime never stops (issue 12).
func TestNoTraceWhenUnused(t *testing.T) {
	for round := 0; round < 2; round++ {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGUSR1)
		ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGUSR2)
		before := loop.CurrentStats().Tasks
		kill(t, syscall.SIGUSR1)
		recv(t, c, syscall.SIGUSR1)
		kill(t, syscall.SIGUSR2)
		<-ctx.Done()
		if loop.Available() && loop.CurrentStats().Tasks == before {
			t.Fatal("the signals were not delivered through the loop")
		}
		signal.Stop(c)
		cancel()
		goleak.VerifyNone(t)
		if s := loop.CurrentStats(); s.Loops != 0 {
			t.Fatalf("round %d: after goleak found nothing, the loop reports %v", round, s)
		}
	}
}
