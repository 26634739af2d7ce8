// Package app has been rewritten, mostly. // want package:`summary\(imports=3 asserts=8 owned=4\)`
package app

import (
	"os"
	"os/signal" // want `"os/signal" imported directly: its traffic bypasses the evshim loop \(import github.com/evshim/evshim/compat/signal instead`

	"example.com/mid" // want `dependency example.com/dep imports net directly: its traffic bypasses the evshim loop \(reached through example.com/mid\)` `dependency example.com/dep converts or asserts to \*net.TCPConn at dep.go:7, which never matches a compat value: github.com/evshim/evshim/compat/net has its own TCPConn \(reached through example.com/mid\)`
	"github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/net"
)

func Serve(srv *http.Server) error {
	srv.RegisterOnShutdown(func() {}) // want `http.Server.RegisterOnShutdown is unsupported by evshim: no shutdown hooks yet \(hooks never run\)`
	return srv.ListenAndServe()
}

func Resolve(host string) ([]string, error) {
	return net.LookupHost(host) // want `net.LookupHost is delegated to the standard library and does not run on the evshim loop: DNS runs in the standard resolver`
}

// ListenUDP calls two delegated functions: only the one that does I/O is
// reported.
func ListenUDP(host string) (net.PacketConn, error) {
	return net.ListenPacket("udp", net.JoinHostPort(host, "0")) // want `net.ListenPacket is delegated to the standard library and does not run on the evshim loop: packet sockets`
}

func Connect() (net.Conn, error) {
	c, err := net.Dial("tcp", "127.0.0.1:0")
	if err == nil {
		mid.KeepAlive(c)
	}
	return c, err
}

func Notify(c chan os.Signal) { signal.Notify(c, os.Interrupt) }
