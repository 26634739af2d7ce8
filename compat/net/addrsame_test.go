//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net_test

import (
	stdnet "net"
	"sync"
	"testing"

	net "github.com/evshim/evshim/compat/net"
)

// TestAddrsSameValue: LocalAddr and RemoteAddr return the same value on
// every call, as the standard library's do, on both ends of a TCP
// connection and from goroutines that ask first at once; code compares
// them and keys maps with them. Run on the stdlib's connections too.
func TestAddrsSameValue(t *testing.T) {
	for _, impl := range []struct {
		name   string
		listen func(network, address string) (stdnet.Listener, error)
		dial   func(network, address string) (stdnet.Conn, error)
	}{
		{"std", stdnet.Listen, stdnet.Dial},
		{"compat", net.Listen, net.Dial},
	} {
		t.Run(impl.name, func(t *testing.T) {
			cc, sc := tcpPair(t, impl.listen, impl.dial)
			for _, c := range []struct {
				end  string
				conn stdnet.Conn
			}{{"accepted", sc}, {"dialed", cc}} {
				var wg sync.WaitGroup
				local := make([]stdnet.Addr, 4)
				remote := make([]stdnet.Addr, 4)
				for i := range local {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						remote[i], local[i] = c.conn.RemoteAddr(), c.conn.LocalAddr()
					}(i)
				}
				wg.Wait()
				clients := map[stdnet.Addr]bool{c.conn.RemoteAddr(): true}
				for i := range local {
					if local[i] != c.conn.LocalAddr() || remote[i] != c.conn.RemoteAddr() {
						t.Errorf("%s: call %d returned %v, %v: not the same values as %v, %v", c.end, i, local[i], remote[i], c.conn.LocalAddr(), c.conn.RemoteAddr())
					}
					if !clients[remote[i]] {
						t.Errorf("%s: RemoteAddr of call %d is not the map's key", c.end, i)
					}
				}
			}
		})
	}
}
