package net_test

import (
	"fmt"
	"io"
	"log"

	net "github.com/evshim/evshim/compat/net"
)

// ExampleListen is the stdlib's echo server, with the import swapped: the
// connections run on evshim's loop.
func ExampleListen() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "hello, loop")
	c.(*net.TCPConn).CloseWrite()
	reply, _ := io.ReadAll(c)
	fmt.Println(string(reply))
	// Output: hello, loop
}
