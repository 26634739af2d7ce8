package net

import (
	"net"
	"os"
)

// FileConn returns a copy of the network connection corresponding to the
// open file f. It is the caller's responsibility to close f when finished.
// Closing c does not affect f, and closing f does not affect c.
//
// A TCP or Unix stream socket moves onto the loop; other sockets are served
// by the standard library.
func FileConn(f *os.File) (c Conn, err error) {
	sc, err := net.FileConn(f)
	if err != nil {
		return nil, err
	}
	return adoptConn(sc, networkOf(sc), originAdopted)
}

// FileListener returns a copy of the network listener corresponding to the
// open file f. It is the caller's responsibility to close ln when finished.
// Closing ln does not affect f, and closing f does not affect ln.
func FileListener(f *os.File) (ln Listener, err error) {
	sl, err := net.FileListener(f)
	if err != nil {
		return nil, err
	}
	return adoptListener(sl, sl.Addr().Network(), ListenConfig{}, false)
}

// networkOf names a stdlib connection's network as its local address does.
func networkOf(c net.Conn) string {
	if a := c.LocalAddr(); a != nil {
		return a.Network()
	}
	return ""
}
