//go:build unix

package signal_test

import (
	"os"
	"syscall"
	"testing"
)

// BenchmarkDeliver measures one signal's trip from kill to the channel,
// through os/signal alone and through this package (os/signal, relay, loop).
func BenchmarkDeliver(b *testing.B) {
	for _, im := range impls {
		b.Run("impl="+im.name, func(b *testing.B) {
			c := make(chan os.Signal, 1)
			im.Notify(c, syscall.SIGUSR1)
			defer im.Stop(c)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				kill(b, syscall.SIGUSR1)
				recv(b, c, syscall.SIGUSR1)
			}
		})
	}
}
