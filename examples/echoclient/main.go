// Echoclient is the client half of the echo example, a small netcat: it
// sends its standard input to a TCP server, prints what comes back, and
// half-closes the connection at the end of the input so that the server
// knows it is done. The connection is dialed with compat/net, so its
// reads and writes wait on evshim's event loop.
//
// Start the echo server, then:
//
//	printf 'hello\nworld\n' | go run ./examples/echoclient -addr 127.0.0.1:7000
//	go run ./examples/echoclient -addr 127.0.0.1:7000 hello world
//
// With arguments, it sends them one per line instead of its input. It
// exits with status 0 once the server has closed the connection, or at
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	net "github.com/evshim/evshim/compat/net"
	signal "github.com/evshim/evshim/compat/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoclient:", err)
		os.Exit(1)
	}
}

// run sends stdin (or the arguments) to the server and copies the replies
// to stdout until the server closes the connection or ctx ends.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	flags := flag.NewFlagSet("echoclient", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:7000", "TCP `address` of the server")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		stdin = strings.NewReader(strings.Join(flags.Args(), "\n") + "\n")
	}

	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	defer c.Close()
	stopClose := context.AfterFunc(ctx, func() { c.Close() })
	defer stopClose()

	// The sender runs beside the receiver so that a reply never waits for
	// the rest of the input: neither side's buffers can fill up and stall
	// the other. At the end of the input CloseWrite sends our FIN; the
	// server echoes what is left and closes, which ends the copy below.
	sent := make(chan error, 1)
	go func() {
		_, err := io.Copy(c, stdin)
		if err == nil {
			err = c.(interface{ CloseWrite() error }).CloseWrite()
		}
		sent <- err
	}()
	_, err = io.Copy(stdout, c)
	if ctx.Err() != nil {
		// Interrupted: the sender may be blocked reading a terminal, and
		// the process is about to exit, so do not wait for it.
		return nil
	}
	if err != nil {
		return err
	}
	// The server closed after our FIN, so the sender has finished.
	return <-sent
}
