package signal_test

import (
	"context"
	"fmt"
	"os"

	"github.com/evshim/evshim/compat/signal"
)

func ExampleNotify() {
	// Delivery never waits for the receiver, so the channel needs room
	// for the signal that arrives while nobody is receiving.
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	defer signal.Stop(c)

	s := <-c // until Ctrl-C
	fmt.Println("Got signal:", s)
}

func ExampleNotifyContext() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	fmt.Println(ctx)
	// Output:
	// signal.NotifyContext(context.Background, [interrupt])
}
