//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package net

import (
	"time"

	"golang.org/x/sys/unix"
)

// Defaults of the standard library (src/net/dial.go).
const (
	defaultKeepAliveIdle     = 15 * time.Second
	defaultKeepAliveInterval = 15 * time.Second
	defaultKeepAliveCount    = 9
)

// setAcceptedOptions gives an accepted connection the options the standard
// library gives it (src/net/tcpsock.go newTCPConn): TCP_NODELAY, and
// keep-alive unless the ListenConfig disables it.
func setAcceptedOptions(c *tcpConn, lc ListenConfig) {
	cfg := lc.KeepAliveConfig
	if !cfg.Enable && lc.KeepAlive >= 0 {
		cfg = KeepAliveConfig{Enable: true, Idle: lc.KeepAlive}
	}
	// The standard library ignores these errors (net.newTCPConn): a
	// keep-alive value the kernel rejects leaves the options that follow
	// it unset, and the connection is accepted all the same.
	c.fd.RawControl(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if cfg.Enable {
			setKeepAliveConfig(int(fd), cfg)
		}
	})
}

// setKeepAliveConfig applies the stdlib's rules: zero fields take the
// defaults, negative ones leave the option alone, and the kernel takes
// whole seconds, rounded up.
func setKeepAliveConfig(fd int, cfg KeepAliveConfig) error {
	v := 0
	if cfg.Enable {
		v = 1
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, v); err != nil {
		return err
	}
	if err := setKeepAliveIdle(fd, cfg.Idle); err != nil {
		return err
	}
	if err := setSeconds(fd, tcpKeepIntvl, cfg.Interval, defaultKeepAliveInterval); err != nil {
		return err
	}
	switch {
	case tcpKeepCnt < 0 || cfg.Count < 0:
		return nil
	case cfg.Count == 0:
		cfg.Count = defaultKeepAliveCount
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, tcpKeepCnt, cfg.Count)
}

func setKeepAliveIdle(fd int, d time.Duration) error {
	return setSeconds(fd, tcpKeepIdle, d, defaultKeepAliveIdle)
}

func setSeconds(fd, opt int, d, def time.Duration) error {
	switch {
	case opt < 0 || d < 0:
		return nil
	case d == 0:
		d = def
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, opt, int((d+time.Second-1)/time.Second))
}
