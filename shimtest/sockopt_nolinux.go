//go:build !linux

package shimtest

import (
	"net"
	"testing"
)

// keepAliveIdle is read back on Linux only; elsewhere the option's name and
// unit differ, and the case compares -1 with -1.
func keepAliveIdle(t *testing.T, c net.Conn) int { return -1 }
