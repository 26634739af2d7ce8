package net_test

import (
	"errors"
	"io"
	stdnet "net"
	"reflect"
	"testing"

	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/testenv"
)

// The conformance suites for this package live in shimtest, which runs
// every case against the standard library and against this package.

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

// TestSharedValues: sentinels and shared values are the standard
// library's own, not copies that merely look alike.
func TestSharedValues(t *testing.T) {
	if net.ErrClosed != stdnet.ErrClosed || net.ErrWriteToConnected != stdnet.ErrWriteToConnected {
		t.Error("sentinel errors are not the stdlib's")
	}
	if net.DefaultResolver != stdnet.DefaultResolver {
		t.Error("DefaultResolver is not the stdlib's")
	}
	for _, p := range []struct {
		name      string
		got, want net.IP
	}{{"IPv4bcast", net.IPv4bcast, stdnet.IPv4bcast}, {"IPv6loopback", net.IPv6loopback, stdnet.IPv6loopback}} {
		if reflect.ValueOf(p.got).Pointer() != reflect.ValueOf(p.want).Pointer() {
			t.Errorf("%s does not share the stdlib's array", p.name)
		}
	}
}

// TestStdlibTypesFlow: a connection from this package is a net.Conn that
// stdlib code takes unchanged, and errors match with errors.Is.
func TestStdlibTypesFlow(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdLn stdnet.Listener = ln // the interface is the stdlib's
	go func() {
		c, err := stdLn.Accept()
		if err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	c.Close()
	if string(b) != "hi" {
		t.Errorf("got %q", b)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, stdnet.ErrClosed) {
		t.Errorf("Read after Close = %v, want stdlib's ErrClosed", err)
	}
	if _, ok := c.(*net.TCPConn); !ok {
		t.Errorf("Dial returned %T, want *TCPConn", c)
	}
	if _, ok := c.(*stdnet.TCPConn); ok {
		t.Error("a compat connection must not claim to be *net.TCPConn")
	}
}

// TestZeroValues: methods on nil or zero values fail as the stdlib's do.
func TestZeroValues(t *testing.T) {
	var c *net.TCPConn
	if _, err := c.Read(nil); err == nil {
		t.Error("Read on a nil *TCPConn succeeded")
	}
	if c.LocalAddr() != nil {
		t.Error("LocalAddr of a nil *TCPConn is not nil")
	}
	var l net.TCPListener
	if _, err := l.Accept(); err == nil {
		t.Error("Accept on a zero TCPListener succeeded")
	}
}
