package loadgen

import (
	"net"
	"net/netip"
	"testing"
)

func TestIsLocal(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.0.0.9", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"0.0.0.0", true},
		{"192.0.2.1", false}, // TEST-NET-1: never a host's address
		{"2001:db8::1", false},
	} {
		if got := isLocal(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("isLocal(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	// Each of this host's own addresses is local.
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("no interface addresses: %v", err)
	}
	for _, ia := range addrs {
		if p, err := netip.ParsePrefix(ia.String()); err == nil && !isLocal(p.Addr()) {
			t.Errorf("isLocal(%s) = false for an address of this host", p.Addr())
		}
	}
}

// TestCPUUse checks the meter over a busy span: the process used CPU, so
// every figure is positive and the per-response figure is the total split.
func TestCPUUse(t *testing.T) {
	m := startCPU()
	x := 0
	for i := range 20_000_000 {
		x ^= i * i
	}
	c := m.stop(1000, netip.MustParseAddrPort("192.0.2.1:80"))
	if c == nil {
		t.Skip("processCPU cannot tell on this platform")
	}
	total := c.User + c.System
	if total <= 0 || c.PerResponse != total/1000 || c.Share <= 0 || c.CPUs < 1 || c.SameHost {
		t.Errorf("%+v (x %d): want CPU > 0, per response = total/1000, share > 0, cpus >= 1, not same host", *c, x)
	}
}
