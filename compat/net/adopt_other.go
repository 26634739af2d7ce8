//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package net

import "net"

// Without a loop on this platform, every connection and listener is the
// standard library's, wrapped in this package's types; loop.CurrentStats
// reports Fallback.

func adoptTCPConnFrom(c *net.TCPConn, network string, from origin) (*TCPConn, error) {
	return &TCPConn{impl: c}, nil
}

func adoptUnixConn(c *net.UnixConn, network string, from origin) (*UnixConn, error) {
	return &UnixConn{impl: c}, nil
}

func adoptTCPListener(l *net.TCPListener, network string, lc ListenConfig) (*TCPListener, error) {
	return &TCPListener{impl: stdTCPListener{l}}, nil
}

func adoptUnixListener(l *net.UnixListener, network string, unlink bool) (*UnixListener, error) {
	return &UnixListener{impl: stdUnixListener{l}}, nil
}
