package app

import (
	stdnet "net" // want `"net" imported directly`

	"github.com/evshim/evshim/compat/net"
)

type myDialer stdnet.Dialer

func Kinds(c net.Conn, d myDialer) stdnet.Dialer {
	_, _ = c.(*stdnet.TCPConn)  // want `type assertion to \*net.TCPConn never matches a compat value: github.com/evshim/evshim/compat/net has its own TCPConn`
	_, _ = c.(*stdnet.UDPConn)  // want `type assertion to \*net.UDPConn never matches`
	_, _ = c.(*stdnet.UnixConn) // UnixConn is an alias in this compat/net: fine.
	_, _ = c.(*stdnet.IPConn)   // compat/net does not declare IPConn: fine.
	_, _ = c.(*net.TCPConn)     // compat's own type: fine.
	switch c.(type) {
	case nil:
	case *stdnet.TCPConn: // want `type switch case \*net.TCPConn never matches`
	}
	return stdnet.Dialer(d) // want `conversion to net.Dialer gives the standard library's type, which compat APIs do not take: github.com/evshim/evshim/compat/net has its own Dialer`
}
