//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package net

import (
	"net"

	"golang.org/x/sys/unix"
)

// setAcceptedOptions gives an accepted connection the options the standard
// library gives it: TCP_NODELAY, and keep-alive through the stdlib's own
// per-kernel code, since these kernels name and scale the timing options
// differently.
func setAcceptedOptions(c *tcpConn, lc ListenConfig) error {
	if err := c.setsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		return err
	}
	cfg := lc.KeepAliveConfig
	if !cfg.Enable && lc.KeepAlive >= 0 {
		cfg = KeepAliveConfig{Enable: true, Idle: lc.KeepAlive}
	}
	if !cfg.Enable {
		return nil
	}
	return c.withStd(func(sc net.Conn) error { return sc.(*net.TCPConn).SetKeepAliveConfig(cfg) })
}
