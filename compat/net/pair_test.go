//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net_test

import (
	stdnet "net"
	"testing"
)

// tcpPair returns a TCP conn from dial, connected to a listener from
// listen, and the accepted peer.
func tcpPair(t *testing.T, listen func(string, string) (stdnet.Listener, error), dial func(string, string) (stdnet.Conn, error)) (c, peer stdnet.Conn) {
	t.Helper()
	ln, err := listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan stdnet.Conn, 1)
	go func() {
		p, _ := ln.Accept()
		ch <- p
	}()
	c, err = dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer = <-ch
	if peer == nil {
		c.Close()
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); peer.Close() })
	return c, peer
}
