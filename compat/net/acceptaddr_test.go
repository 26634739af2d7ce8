package net_test

import (
	stdnet "net"
	"reflect"
	"sync"
	"testing"

	net "github.com/evshim/evshim/compat/net"
)

// TestAcceptedAddrs: an accepted TCP connection's LocalAddr and RemoteAddr,
// which compat/net builds when first asked and then keeps, equal
// (reflect.DeepEqual) what the standard library's accepted connection
// reports for the same peer, over IPv4 and IPv6, from goroutines calling
// at once (under -race), and before and after Close; every call returns
// the same value, as the standard library's do.
func TestAcceptedAddrs(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			host := "127.0.0.1:0"
			if network == "tcp6" {
				host = "[::1]:0"
			}
			ln, err := net.Listen(network, host)
			if err != nil {
				t.Skipf("no %s loopback: %v", network, err)
			}
			defer ln.Close()
			std, err := stdnet.Listen(network, host)
			if err != nil {
				t.Fatal(err)
			}
			defer std.Close()

			accept := func(l interface{ Accept() (stdnet.Conn, error) }, addr string) (srv, cli stdnet.Conn) {
				t.Helper()
				cli, err := stdnet.Dial(network, addr)
				if err != nil {
					t.Fatal(err)
				}
				srv, err = l.Accept()
				if err != nil {
					t.Fatal(err)
				}
				return srv, cli
			}
			cs, cc := accept(ln, ln.Addr().String())
			defer cc.Close()
			ss, sc := accept(std, std.Addr().String())
			defer sc.Close()
			defer ss.Close()

			// Same shapes as the standard library's (IP length, zone,
			// type), and the values the client sees.
			for _, p := range []struct {
				name       string
				got, want  stdnet.Addr
				shape, ref stdnet.Addr
			}{
				{"LocalAddr", cs.LocalAddr(), cc.RemoteAddr(), ss.LocalAddr(), sc.RemoteAddr()},
				{"RemoteAddr", cs.RemoteAddr(), cc.LocalAddr(), ss.RemoteAddr(), sc.LocalAddr()},
			} {
				if !reflect.DeepEqual(p.shape, p.ref) {
					t.Fatalf("stdlib %s %#v, its client sees %#v: the reference does not hold", p.name, p.shape, p.ref)
				}
				got, ok := p.got.(*stdnet.TCPAddr)
				if !ok {
					t.Fatalf("%s is %T, want *net.TCPAddr", p.name, p.got)
				}
				want := *p.want.(*stdnet.TCPAddr)
				ref := p.shape.(*stdnet.TCPAddr)
				if len(want.IP) != len(ref.IP) {
					want.IP = want.IP.To16()
					if len(ref.IP) == 4 {
						want.IP = want.IP.To4()
					}
				}
				if !reflect.DeepEqual(got, &want) || len(got.IP) != len(ref.IP) {
					t.Errorf("%s = %#v, want %#v (IP of %d bytes, as the stdlib's)", p.name, got, &want, len(ref.IP))
				}
			}

			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := 0; j < 100; j++ {
						if a := cs.RemoteAddr(); a.String() != cc.LocalAddr().String() {
							t.Errorf("concurrent RemoteAddr = %v, want %v", a, cc.LocalAddr())
							return
						}
						if a := cs.LocalAddr(); a.String() != cc.RemoteAddr().String() {
							t.Errorf("concurrent LocalAddr = %v, want %v", a, cc.RemoteAddr())
							return
						}
					}
				}()
			}
			wg.Wait()

			// Every call returns the same value, as the stdlib's does
			// (TestAddrsSameValue).
			if cs.RemoteAddr() != cs.RemoteAddr() || cs.LocalAddr() != cs.LocalAddr() {
				t.Errorf("LocalAddr or RemoteAddr returned a new value on a second call")
			}
			rc, err := cs.(*net.TCPConn).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			cs.Close()
			if got := cs.LocalAddr().String(); got != cc.RemoteAddr().String() {
				t.Errorf("LocalAddr after Close = %s, want %s", got, cc.RemoteAddr())
			}
			// The raw conn's errors carry the addresses too.
			rerr := rc.Read(func(uintptr) bool { return true })
			oe, ok := rerr.(*stdnet.OpError)
			if !ok || oe.Source == nil || oe.Addr == nil ||
				oe.Source.String() != cc.RemoteAddr().String() || oe.Addr.String() != cc.LocalAddr().String() {
				t.Errorf("raw Read after Close: %#v, want an *OpError from %s to %s", rerr, cc.RemoteAddr(), cc.LocalAddr())
			}
		})
	}
}
