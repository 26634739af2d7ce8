package http_test

import (
	"bytes"
	"io"
	stdnet "net"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	http "github.com/evshim/evshim/compat/http"
)

// TestH2CLongLived: an h2c connection is served by net/http's HTTP/2
// server from its first bytes on. It outlives gaps longer than
// ReadHeaderTimeout (an HTTP/1 timer of this package's loop, which must
// not reach it), ends by IdleTimeout with net/http's GOAWAY, is never in
// Server.conns, and reports StateClosed.
func TestH2CLongLived(t *testing.T) {
	var mu sync.Mutex
	var states []http.ConnState
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: hello, Protocols: p, ReadHeaderTimeout: 50 * time.Millisecond, IdleTimeout: 2 * time.Second,
		ConnState: func(_ stdnet.Conn, st http.ConnState) {
			mu.Lock()
			states = append(states, st)
			mu.Unlock()
		}}
	addr := serve(t, srv)
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, http2.ClientPreface)
	fr := http2.NewFramer(c, c)
	fr.WriteSettings()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":path", "/h2"}, {":authority", "x"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndStream: true, EndHeaders: true})
	readUntil := func(what string, match func(http2.Frame) bool) {
		t.Helper()
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("waiting for %s: %v", what, err)
			}
			if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
				fr.WriteSettingsAck()
			}
			if _, ok := f.(*http2.GoAwayFrame); ok && what != "GOAWAY" {
				t.Fatalf("waiting for %s: GOAWAY", what)
			}
			if match(f) {
				return
			}
		}
	}
	readUntil("the response", func(f http2.Frame) bool {
		d, ok := f.(*http2.DataFrame)
		return ok && d.StreamID == 1 && d.StreamEnded()
	})
	for i := byte(0); i < 3; i++ {
		time.Sleep(150 * time.Millisecond) // three ReadHeaderTimeouts
		fr.WritePing(false, [8]byte{i})
		readUntil("a PING ACK", func(f http2.Frame) bool {
			p, ok := f.(*http2.PingFrame)
			return ok && p.IsAck() && p.Data[0] == i
		})
		if n := http.Conns(srv); n != 0 {
			t.Errorf("Server.conns holds %d connections while the h2c one is served", n)
		}
	}
	readUntil("GOAWAY", func(f http2.Frame) bool { _, ok := f.(*http2.GoAwayFrame); return ok })
	for {
		if _, err := fr.ReadFrame(); err != nil {
			break // the server closed
		}
	}
	waitUntil(t, "StateClosed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(states) > 0 && states[len(states)-1] == http.StateClosed
	})
	if n := http.Conns(srv); n != 0 {
		t.Errorf("Server.conns holds %d connections after the h2c one closed", n)
	}
}
