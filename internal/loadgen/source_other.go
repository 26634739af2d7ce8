//go:build !linux

package loadgen

import (
	"net"
	"syscall"
)

// spreadLoopback is false: outside Linux only 127.0.0.1 is configured on
// the loopback interface by default (macOS, the BSDs), so other source
// addresses would fail to bind.
const spreadLoopback = false

// bindNoPort is nil: IP_BIND_ADDRESS_NO_PORT is Linux-only.
var bindNoPort func(network, address string, c syscall.RawConn) error

func canBind(ip net.IP) bool { return false }
