//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package net

import "io"

// Off Linux, ReadFrom and WriteTo copy through user space. The standard
// library uses sendfile(2) on Darwin, DragonFly and FreeBSD too; those
// platforms build here but are not tested, so they keep the copy
// (COMPAT.md says so).

func (c *tcpConn) readFrom(r io.Reader) (int64, error) { return genericReadFrom(c, r) }

func (c *tcpConn) writeTo(w io.Writer) (int64, error) { return genericWriteTo(c, w) }
