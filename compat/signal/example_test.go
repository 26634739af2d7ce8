// The examples signal their own process, which Windows cannot do with
// os.Interrupt.

//go:build unix

package signal_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/evshim/evshim/compat/signal"
)

// interruptSelf sends os.Interrupt to this process, as Ctrl-C in a
// terminal would.
func interruptSelf() {
	p, err := os.FindProcess(os.Getpid())
	if err != nil {
		log.Fatal(err)
	}
	if err := p.Signal(os.Interrupt); err != nil {
		log.Fatal(err)
	}
}

func ExampleNotify() {
	// Delivery never waits for the receiver, so the channel needs room
	// for the signal that arrives while nobody is receiving.
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	defer signal.Stop(c)

	interruptSelf() // or Ctrl-C

	s := <-c
	fmt.Println("Got signal:", s)
	// Output: Got signal: interrupt
}

func ExampleNotifyContext() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Println(ctx)

	interruptSelf() // or Ctrl-C

	<-ctx.Done()
	fmt.Println(ctx.Err())
	// Output:
	// signal.NotifyContext(context.Background, [interrupt])
	// context canceled
}
