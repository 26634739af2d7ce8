//go:build linux

package net_test

import (
	"io"
	stdnet "net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	net "github.com/evshim/evshim/compat/net"
	"golang.org/x/sys/unix"
)

// TestFileToChildBlocks passes a connection's File to a child process
// through ExtraFiles, as a server handing a client to a worker does, and
// has the child make a plain blocking read(2) on it before the peer has
// written: with the stdlib's file it waits for the data; compat's must too,
// not fail with EAGAIN (issue 13.3).
func TestFileToChildBlocks(t *testing.T) {
	if os.Getenv("EVSHIM_FILE_CHILD") == "1" {
		return // in the child, only TestFileChild runs
	}
	for _, impl := range []struct {
		name string
		dial func(network, addr string) (stdnet.Conn, error)
	}{
		{"std", stdnet.Dial},
		{"compat", net.Dial},
	} {
		t.Run("impl="+impl.name, func(t *testing.T) {
			ln, err := stdnet.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			c, err := impl.dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			peer, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			f, err := c.(interface{ File() (*os.File, error) }).File()
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestFileChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "EVSHIM_FILE_CHILD=1")
			cmd.ExtraFiles = []*os.File{f}
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond) // the child reads before the data comes
			peer.Write([]byte("hello"))
			got, _ := io.ReadAll(out)
			cmd.Wait()
			if !strings.Contains(string(got), "child read \"hello\"") {
				t.Fatalf("child's output:\n%s", got)
			}
		})
	}
}

// TestFileChild is the child of TestFileToChildBlocks: it reads descriptor
// 3 with read(2).
func TestFileChild(t *testing.T) {
	if os.Getenv("EVSHIM_FILE_CHILD") != "1" {
		t.Skip("the child process of TestFileToChildBlocks")
	}
	b := make([]byte, 5)
	n, err := unix.Read(3, b)
	if err != nil {
		os.Stdout.WriteString("child read error: " + err.Error() + "\n")
		return
	}
	os.Stdout.WriteString("child read \"" + string(b[:n]) + "\"\n")
}
