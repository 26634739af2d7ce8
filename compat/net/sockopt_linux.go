package net

import (
	"time"

	"golang.org/x/sys/unix"
)

// setAcceptedOptions gives an accepted connection the options the standard
// library gives it (src/net/tcpsock.go newTCPConn): TCP_NODELAY, and
// keep-alive unless the ListenConfig disables it. On Linux these are plain
// setsockopt calls, made directly because accept is a hot path.
func setAcceptedOptions(c *tcpConn, lc ListenConfig) error {
	cfg := lc.KeepAliveConfig
	if !cfg.Enable && lc.KeepAlive >= 0 {
		cfg = KeepAliveConfig{Enable: true, Idle: lc.KeepAlive}
	}
	var serr error
	set := func(s, level, opt, v int) {
		if serr == nil {
			serr = unix.SetsockoptInt(s, level, opt, v)
		}
	}
	err := c.fd.RawControl(func(fd uintptr) {
		s := int(fd)
		set(s, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if !cfg.Enable {
			return
		}
		set(s, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
		if v := keepAliveSeconds(cfg.Idle, 15*time.Second); v >= 0 {
			set(s, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, v)
		}
		if v := keepAliveSeconds(cfg.Interval, 15*time.Second); v >= 0 {
			set(s, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, v)
		}
		switch {
		case cfg.Count == 0:
			set(s, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 9)
		case cfg.Count > 0:
			set(s, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, cfg.Count)
		}
	})
	if err != nil {
		return err
	}
	return wrapSyscall("setsockopt", serr)
}

// keepAliveSeconds applies the stdlib's rules: zero means the default, a
// negative value leaves the option alone (-1 here), and the kernel takes
// whole seconds, rounded up.
func keepAliveSeconds(d, def time.Duration) int {
	switch {
	case d == 0:
		d = def
	case d < 0:
		return -1
	}
	return int((d + time.Second - 1) / time.Second)
}
