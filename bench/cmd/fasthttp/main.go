// Command fasthttp is the sweep's fasthttp peer: a hello-world server on
// github.com/valyala/fasthttp with its defaults (a goroutine per
// connection from its worker pool).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"

	"github.com/evshim/evshim/internal/sweep"
	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	stats, err := sweep.ServeStats()
	if err != nil {
		log.Fatal(err)
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.WriteString("Hello, World!")
		},
	}
	fmt.Printf("stats on %s\nlistening on %s\n", stats, ln.Addr())
	log.Fatal(srv.Serve(ln))
}
