package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	stdnet "net"
	"net/http"
	"testing"
	"time"

	"github.com/evshim/evshim/examples/internal/exampletest"
	"github.com/evshim/evshim/internal/loop"
	"golang.org/x/net/websocket"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

func start(t *testing.T) *exampletest.Program {
	return exampletest.Start(t, func(ctx context.Context, stdout io.Writer) error {
		return run(ctx, []string{"-addr", "127.0.0.1:0"}, stdout)
	})
}

// TestEchoInterop talks to the server with an independent implementation
// of RFC 6455, golang.org/x/net/websocket.
func TestEchoInterop(t *testing.T) {
	p := start(t)
	before := loop.CurrentStats().Accepted
	ws, err := websocket.Dial("ws://"+p.Addr+"/echo", "", "http://"+p.Addr+"/")
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer ws.Close()
	ws.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed check

	for _, msg := range []string{"hello", "", "héllo, wörld", string(bytes.Repeat([]byte("y"), 300)), string(bytes.Repeat([]byte("x"), 70000))} {
		if err := websocket.Message.Send(ws, msg); err != nil {
			t.Fatalf("send text of %d bytes: %v", len(msg), err)
		}
		var got string
		if err := websocket.Message.Receive(ws, &got); err != nil {
			t.Fatalf("receive text of %d bytes: %v", len(msg), err)
		}
		if got != msg {
			t.Errorf("text echo of %d bytes came back as %d bytes", len(msg), len(got))
		}
	}
	bin := []byte{0, 1, 2, 0xFF, 0xFE}
	if err := websocket.Message.Send(ws, bin); err != nil {
		t.Fatal(err)
	}
	var gotBin []byte
	if err := websocket.Message.Receive(ws, &gotBin); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotBin, bin) {
		t.Errorf("binary echo = %x, want %x", gotBin, bin)
	}
	if got := loop.CurrentStats().Accepted - before; got != 1 {
		t.Errorf("loop accepted %d connections, want 1", got)
	}
}

// rawClient speaks frames byte by byte, to test what x/net/websocket does
// not expose: pings, close codes and protocol errors.
type rawClient struct {
	t *testing.T
	c stdnet.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := stdnet.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	cl := &rawClient{t: t, c: c, r: bufio.NewReader(c)}
	// The key and accept value are the example of RFC 6455 section 1.3.
	io.WriteString(c, "GET /echo HTTP/1.1\r\nHost: "+addr+"\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	resp, err := http.ReadResponse(cl.r, nil)
	if err != nil {
		t.Fatalf("handshake response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %s, Sec-WebSocket-Accept %q", resp.Status, resp.Header.Get("Sec-WebSocket-Accept"))
	}
	return cl
}

// send writes one masked client frame.
func (cl *rawClient) send(b0 byte, payload []byte) {
	cl.t.Helper()
	mask := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	buf := []byte{b0, 0x80 | byte(len(payload))} // payloads here are short
	buf = append(buf, mask[:]...)
	for i, b := range payload {
		buf = append(buf, b^mask[i%4])
	}
	if _, err := cl.c.Write(buf); err != nil {
		cl.t.Fatalf("send: %v", err)
	}
}

// expect reads one server frame and compares its first byte and payload.
func (cl *rawClient) expect(b0 byte, payload []byte) {
	cl.t.Helper()
	var head [2]byte
	if _, err := io.ReadFull(cl.r, head[:]); err != nil {
		cl.t.Fatalf("reading a frame: %v", err)
	}
	if head[1]&0x80 != 0 || head[1] > 125 {
		cl.t.Fatalf("frame header %x: want unmasked and short", head)
	}
	got := make([]byte, head[1])
	if _, err := io.ReadFull(cl.r, got); err != nil {
		cl.t.Fatalf("reading a payload: %v", err)
	}
	if head[0] != b0 || !bytes.Equal(got, payload) {
		cl.t.Fatalf("frame %#x %q, want %#x %q", head[0], got, b0, payload)
	}
}

func (cl *rawClient) expectEOF() {
	cl.t.Helper()
	if n, err := cl.r.Read(make([]byte, 1)); err != io.EOF {
		cl.t.Fatalf("after the close frame: Read = %d, %v; want io.EOF", n, err)
	}
}

func code(c uint16) []byte { return binary.BigEndian.AppendUint16(nil, c) }

func TestFrames(t *testing.T) {
	p := start(t)
	const fin = 0x80
	tests := []struct {
		name string
		run  func(cl *rawClient)
	}{
		{name: "ping", run: func(cl *rawClient) {
			cl.send(fin|opPing, []byte("are you there"))
			cl.expect(fin|opPong, []byte("are you there"))
			cl.send(fin|opText, []byte("still open"))
			cl.expect(fin|opText, []byte("still open"))
		}},
		{name: "close", run: func(cl *rawClient) {
			cl.send(fin|opClose, append(code(1000), "bye"...))
			cl.expect(fin|opClose, code(1000))
			cl.expectEOF()
		}},
		{name: "fragmented", run: func(cl *rawClient) {
			cl.send(opText, []byte("part"))
			cl.expect(fin|opClose, append(code(closeUnsupportedData), "fragmented messages are not supported"...))
			cl.expectEOF()
		}},
		{name: "invalid-utf8", run: func(cl *rawClient) {
			cl.send(fin|opText, []byte{0xff, 0xfe})
			cl.expect(fin|opClose, append(code(closeInvalidPayload), "text message is not UTF-8"...))
			cl.expectEOF()
		}},
		{name: "unmasked", run: func(cl *rawClient) {
			cl.c.Write([]byte{fin | opText, 2, 'h', 'i'})
			cl.expect(fin|opClose, append(code(closeProtocolError), "unmasked client frame"...))
			cl.expectEOF()
		}},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) { tt.run(dialRaw(t, p.Addr)) })
	}
}

func TestBadHandshake(t *testing.T) {
	p := start(t)
	tests := []struct {
		name    string
		header  map[string]string
		want    int
		version string // Sec-WebSocket-Version in the response
	}{
		{name: "plain-get", want: http.StatusBadRequest},
		{name: "old-version", header: map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "8", "Sec-WebSocket-Key": "x"}, want: http.StatusUpgradeRequired, version: "13"},
		{name: "no-key", header: map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}, want: http.StatusBadRequest},
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://"+p.Addr+"/echo", nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want || resp.Header.Get("Sec-WebSocket-Version") != tt.version {
				t.Errorf("status %d, Sec-WebSocket-Version %q; want %d, %q",
					resp.StatusCode, resp.Header.Get("Sec-WebSocket-Version"), tt.want, tt.version)
			}
		})
	}
}

// TestStopEndsSessions checks that a stop (SIGTERM in main) ends an open
// session, which the server's Shutdown alone would not track.
func TestStopEndsSessions(t *testing.T) {
	p := start(t)
	cl := dialRaw(t, p.Addr)
	cl.send(0x80|opText, []byte("hi"))
	cl.expect(0x80|opText, []byte("hi"))
	if err := p.Stop(t); err != nil {
		t.Fatalf("run: %v", err)
	}
	cl.expectEOF()
}

func TestMainExitsOnSIGTERM(t *testing.T) {
	exampletest.ExitsOnSIGTERM(t, "-addr", "127.0.0.1:0")
}
