// Command nbhttp is the sweep's nbio peer: a hello-world net/http handler
// served by github.com/lesismal/nbio/nbhttp in its non-blocking IO mode,
// where the poller goroutines read every connection and an idle
// connection holds no goroutine.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"

	"github.com/evshim/evshim/internal/sweep"
	"github.com/lesismal/nbio/nbhttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	flag.Parse()
	stats, err := sweep.ServeStats()
	if err != nil {
		log.Fatal(err)
	}
	// nbhttp opens its own listener; the hook tells us the port it got.
	listening := make(chan net.Addr, 1)
	eng := nbhttp.NewEngine(nbhttp.Config{
		Network: "tcp",
		Addrs:   []string{*addr},
		IOMod:   nbhttp.IOModNonBlocking,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "Hello, World!")
		}),
		Listen: func(network, addr string) (net.Listener, error) {
			ln, err := net.Listen(network, addr)
			if err == nil {
				listening <- ln.Addr()
			}
			return ln, err
		},
	})
	if err := eng.Start(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stats on %s\nlistening on %s\n", stats, <-listening)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	eng.Stop()
}
