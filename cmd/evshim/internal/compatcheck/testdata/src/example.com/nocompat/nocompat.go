// Package nocompat has not been rewritten and sees no compat package, so // want package:`summary\(imports=1 asserts=2 owned=0\)`
// the owned types come from the fallback list: TCPConn yes, UDPConn no.
package nocompat

import "net" // want `"net" imported directly`

func F(c net.Conn) {
	_, _ = c.(*net.TCPConn) // want `type assertion to \*net.TCPConn never matches`
	_, _ = c.(*net.UDPConn)
}
