package net_test

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"

	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/loop"
	"go.uber.org/goleak"
)

// TestNoTraceWhenUnused: a program that listens, dials, accepts, exchanges
// bytes with deadlines set and then closes everything is left with no
// goroutine of the loop's: goleak with no options finds nothing, and the
// next use starts the loop again (issue 12).
func TestNoTraceWhenUnused(t *testing.T) {
	for round := 0; round < 2; round++ {
		before := loop.CurrentStats()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				t.Error(err)
			}
			accepted <- c
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s := <-accepted
		if s == nil {
			t.FailNow()
		}
		c.SetDeadline(time.Now().Add(time.Minute))
		s.SetDeadline(time.Now().Add(time.Minute))
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(s, buf); err != nil || string(buf) != "ping" {
			t.Fatalf("read %q, %v", buf, err)
		}
		// A deadline that passes, then one in the future, as a server's
		// idle check would set them.
		s.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
		if _, err := s.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Read past its deadline: %v", err)
		}
		s.SetReadDeadline(time.Now().Add(time.Hour))
		if _, err := s.Write([]byte("pong")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "pong" {
			t.Fatalf("read %q, %v", buf, err)
		}
		if loop.CurrentStats().Accepted == before.Accepted {
			t.Fatal("the accepted connection did not go through the loop")
		}
		c.Close()
		s.Close()
		ln.Close()
		goleak.VerifyNone(t)
		if s := loop.CurrentStats(); s.Loops != 0 || s.Open != 0 {
			t.Fatalf("round %d: after goleak found nothing, the loop reports %v", round, s)
		}
	}
}
