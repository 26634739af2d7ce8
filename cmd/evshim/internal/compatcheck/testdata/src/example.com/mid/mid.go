// Package mid reaches net only through dep. // want package:`summary\(imports=1 asserts=2 owned=0\)`
package mid

import "example.com/dep" // want `dependency example.com/dep imports net directly` `dependency example.com/dep converts or asserts to \*net.TCPConn at dep.go:7`

var KeepAlive = dep.KeepAlive
