// Websocket is a WebSocket echo server written with net/http's Hijacker:
// the handler checks the opening handshake, takes the connection over
// with http.ResponseController.Hijack, answers "101 Switching Protocols",
// and from then on reads and writes RFC 6455 frames itself (frame.go). On
// compat/http a hijacked connection leaves the server's fast path and
// becomes a plain compat/net connection, still waiting on evshim's event
// loop.
//
// It echoes text and binary messages, answers pings, and returns the
// client's close frame. Fragmented messages are refused with status 1003:
// this is the minimum of the protocol that a browser's WebSocket needs for
// short messages, not a complete implementation.
//
// Run it, and see the handshake with curl; then connect any WebSocket
// client to ws://127.0.0.1:8082/echo, such as a browser's
// new WebSocket("ws://127.0.0.1:8082/echo"):
//
//	go run ./examples/websocket -addr 127.0.0.1:8082
//	curl -i -N -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
//		-H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
//		http://127.0.0.1:8082/echo
//
// It prints "listening on ADDR" first, serves until SIGINT or SIGTERM,
// then closes the WebSocket connections, shuts the server down and exits
// with status 0.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
	signal "github.com/evshim/evshim/compat/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "websocket:", err)
		os.Exit(1)
	}
}

// maxMessage bounds the payload of one frame.
const maxMessage = 1 << 20

// run serves until ctx ends, then closes every WebSocket session, shuts the
// server down and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("websocket", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8082", "TCP `address` to listen on")
	if err := flags.Parse(args); err != nil {
		return err
	}

	echo := &echoHandler{ctx: ctx}
	mux := http.NewServeMux()
	mux.Handle("GET /echo", echo)
	srv := &http.Server{Handler: mux}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	// Shutdown does not track hijacked connections: the sessions end on
	// ctx, and are waited for here.
	echo.sessions.Wait()
	if err != nil {
		srv.Close()
		<-served
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// echoHandler upgrades requests to WebSocket sessions that echo messages.
//
// Multiple goroutines may invoke ServeHTTP simultaneously.
type echoHandler struct {
	ctx      context.Context // immutable; ends every session when it ends
	sessions sync.WaitGroup  // one count per hijacked connection until its session ends
}

func (h *echoHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		http.Error(w, "websocket: not a WebSocket handshake", http.StatusBadRequest)
		return
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		http.Error(w, "websocket: unsupported version", http.StatusUpgradeRequired)
		return
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if key == "" {
		http.Error(w, "websocket: missing Sec-WebSocket-Key", http.StatusBadRequest)
		return
	}

	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "websocket: cannot take over the connection", http.StatusInternalServerError)
		return
	}
	h.sessions.Add(1)
	defer h.sessions.Done()
	defer conn.Close()
	stop := context.AfterFunc(h.ctx, func() { conn.Close() })
	defer stop()

	// The server's deadlines no longer apply; clear any it set.
	conn.SetDeadline(time.Time{})
	fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acceptKey(key))
	if err := rw.Flush(); err != nil {
		return
	}
	// rw.Reader may already hold the client's first frames.
	echoFrames(rw.Reader, rw.Writer)
}

// echoFrames runs one session until the client closes it or breaks the
// protocol, or the connection fails.
func echoFrames(r *bufio.Reader, w *bufio.Writer) {
	for {
		f, err := readFrame(r, maxMessage)
		var perr *protocolError
		switch {
		case errors.As(err, &perr):
			writeFrame(w, opClose, closePayload(perr.code, perr.reason))
			return
		case err != nil:
			return // the connection failed or the client went away
		}
		switch f.op {
		case opText, opBinary:
			if !f.fin {
				writeFrame(w, opClose, closePayload(closeUnsupportedData, "fragmented messages are not supported"))
				return
			}
			if f.op == opText && !utf8.Valid(f.payload) {
				writeFrame(w, opClose, closePayload(closeInvalidPayload, "text message is not UTF-8"))
				return
			}
			err = writeFrame(w, f.op, f.payload)
		case opPing:
			err = writeFrame(w, opPong, f.payload)
		case opPong:
			// Unsolicited pongs are allowed and need no answer.
		case opClose:
			// Echo the status code, as section 5.5.1 suggests, and end.
			payload := f.payload
			if len(payload) >= 2 {
				payload = payload[:2]
			}
			writeFrame(w, opClose, payload)
			return
		default: // opContinuation without a start, or a reserved opcode
			writeFrame(w, opClose, closePayload(closeProtocolError, "unexpected opcode"))
			return
		}
		if err != nil {
			return
		}
	}
}

// headerHasToken reports whether the comma-separated header name contains
// token, compared case-insensitively (RFC 6455 section 4.2.1).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
