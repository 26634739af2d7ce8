//go:build dragonfly || freebsd || netbsd

package net

import "golang.org/x/sys/unix"

const (
	tcpKeepIdle  = unix.TCP_KEEPIDLE
	tcpKeepIntvl = unix.TCP_KEEPINTVL
	tcpKeepCnt   = unix.TCP_KEEPCNT
)

func usingMPTCP(fd int) bool { return false }
