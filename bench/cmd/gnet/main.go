// Command gnet is the sweep's floor: a raw github.com/panjf2000/gnet/v2
// responder with no HTTP state. It answers every "\r\n\r\n"-terminated
// request (so it ignores request bodies) with one fixed HTTP/1.1 200
// response, and closes the connection when the request asked for it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"os"

	"github.com/evshim/evshim/internal/sweep"
	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
)

const (
	body     = "Hello, World!"
	response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\n" + body
)

// responder is the gnet event handler. gnet calls it from its loop
// goroutines; it keeps no per-connection state.
type responder struct {
	gnet.BuiltinEventEngine
	stats string
}

// OnBoot reports the listening address, which gnet chose when asked for
// port 0: a duplicate of its listening socket tells it.
func (r *responder) OnBoot(eng gnet.Engine) gnet.Action {
	fd, err := eng.Dup()
	if err != nil {
		log.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "gnet-listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stats on %s\nlistening on %s\n", r.stats, ln.Addr())
	ln.Close()
	return gnet.None
}

// crlf2 ends a request head.
var crlf2 = []byte("\r\n\r\n")

// wantsClose reports whether a request head asks to close the connection,
// in the two spellings that load generators send; a full header parser
// is what this responder exists to leave out.
func wantsClose(head []byte) bool {
	return bytes.Contains(head, []byte("Connection: close")) || bytes.Contains(head, []byte("connection: close"))
}

// OnTraffic answers every complete request head in the inbound buffer and
// leaves a partial one for the next call.
func (r *responder) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Peek(-1)
	used, n, closing := 0, 0, false
	for {
		i := bytes.Index(buf[used:], crlf2)
		if i < 0 {
			break
		}
		head := buf[used : used+i]
		closing = wantsClose(head)
		used += i + len(crlf2)
		n++
		if closing {
			break
		}
	}
	c.Discard(used)
	for range n {
		c.Write([]byte(response))
	}
	if closing {
		return gnet.Close
	}
	return gnet.None
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	flag.Parse()
	stats, err := sweep.ServeStats()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(gnet.Run(&responder{stats: stats}, "tcp://"+*addr,
		gnet.WithMulticore(true), gnet.WithLogLevel(logging.ErrorLevel)))
}
