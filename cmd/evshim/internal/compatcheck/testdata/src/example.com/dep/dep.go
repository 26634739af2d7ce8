// Package dep is a third-party library that uses net directly. // want package:`summary\(imports=1 asserts=2 owned=0\)`
package dep

import "net" // want `"net" imported directly`

func KeepAlive(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok { // want `type assertion to \*net.TCPConn never matches`
		tc.SetKeepAlive(true)
	}
}

func Port(a net.Addr) int {
	if ta, ok := a.(*net.TCPAddr); ok { // TCPAddr is an alias in compat/net: fine.
		return ta.Port
	}
	return 0
}
