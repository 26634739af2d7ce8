// Package clean uses only cooperative compat identifiers and delegated // want package:`summary\(imports=0 asserts=0 owned=3\)`
// helpers that do no I/O.
package clean

import (
	"fmt"

	"github.com/evshim/evshim/compat/net"
)

func Connect(host, port string) (net.Conn, error) {
	addr := net.JoinHostPort(host, port)
	d := &net.Dialer{Timeout: 1}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if _, ok := c.(*net.TCPConn); ok {
		return c, nil
	}
	return net.Dial("tcp", addr)
}
