package loadgen

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// spreadLoopback reports whether this platform can bind connections to
// source addresses other than 127.0.0.1 without configuration: Linux routes
// all of 127.0.0.0/8 to the loopback interface.
const spreadLoopback = true

// bindNoPort is a net.Dialer Control function. It sets
// IP_BIND_ADDRESS_NO_PORT (Linux 4.2) so that binding to a source address
// does not reserve an ephemeral port right away: connect picks the port
// later, unique only per 4-tuple, and may reuse ports in TIME_WAIT. Without
// it every bound connection would hold a port for the whole address.
func bindNoPort(network, address string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		// A kernel without the option still works, with fewer ports, so its
		// error does not fail the dial.
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	})
}

// canBind reports whether ip can be used as a source address here. A
// container with an unusual loopback setup may refuse 127.0.0.2.
func canBind(ip net.IP) bool {
	c, err := net.ListenPacket("udp4", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		return false
	}
	c.Close()
	return true
}
