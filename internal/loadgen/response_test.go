package loadgen

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// responseCase is one response for both parsers: readResponse, which the
// goroutine engine uses, and parser, which the epoll engine uses.
type responseCase struct {
	name    string
	in      string
	head    bool
	want    response
	wantErr Kind // checked only when ok is false
	ok      bool
	rest    string // what must remain unread: the next response
}

var responseCases = []responseCase{
	{name: "content-length", in: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},
	{name: "no-reason-phrase", in: "HTTP/1.1 204\r\n\r\nNEXT",
		want: response{status: 204, reuse: true}, ok: true, rest: "NEXT"},
	{name: "chunked", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},
	{name: "chunked-wins-over-length", in: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\nNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},
	{name: "connection-close", in: "HTTP/1.1 500 Oops\r\ncontent-length: 2\r\nConnection: Close\r\n\r\nokNEXT",
		want: response{status: 500, reuse: false}, ok: true, rest: "NEXT"},
	{name: "http10-default-close", in: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
		want: response{status: 200, reuse: false}, ok: true},
	{name: "http10-keep-alive", in: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nokNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},
	{name: "until-eof", in: "HTTP/1.1 200 OK\r\n\r\nall of this is body",
		want: response{status: 200, reuse: false}, ok: true},
	{name: "head-ignores-length", in: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nNEXT", head: true,
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},
	{name: "skips-100-continue", in: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\nNEXT",
		want: response{status: 201, reuse: true}, ok: true, rest: "NEXT"},
	{name: "bare-lf", in: "HTTP/1.1 200 OK\nContent-Length: 1\n\nxNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},

	{name: "long-header-line", in: "HTTP/1.1 200 OK\r\nSet-Cookie: " + strings.Repeat("c", 300) + "\r\nContent-Length: 1\r\n\r\nxNEXT",
		want: response{status: 200, reuse: true}, ok: true, rest: "NEXT"},

	{name: "empty", in: "", wantErr: Closed},
	{name: "header-line-too-long", in: "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("c", maxLineLen+100) + "\r\n\r\n", wantErr: Protocol},
	{name: "eof-in-status-line", in: "HTTP/1.1 20", wantErr: ShortBody},
	{name: "eof-in-headers", in: "HTTP/1.1 200 OK\r\nContent-Len", wantErr: ShortBody},
	{name: "short-body", in: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", wantErr: ShortBody},
	{name: "short-chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", wantErr: ShortBody},
	{name: "no-last-chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n", wantErr: ShortBody},
	{name: "eof-after-status-line", in: "HTTP/1.1 200 OK\r\n", wantErr: ShortBody},
	{name: "eof-after-100", in: "HTTP/1.1 100 Continue\r\n\r\n", wantErr: ShortBody},
	{name: "not-http", in: "SSH-2.0-OpenSSH\r\n\r\n", wantErr: Protocol},
	{name: "bad-status", in: "HTTP/1.1 2x0 OK\r\n\r\n", wantErr: Protocol},
	{name: "bad-length", in: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", wantErr: Protocol},
	{name: "conflicting-lengths", in: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", wantErr: Protocol},
	{name: "bad-chunk-size", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", wantErr: Protocol},
	{name: "header-without-colon", in: "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", wantErr: Protocol},
}

func TestReadResponse(t *testing.T) {
	for _, tt := range responseCases {
		t.Run("case="+tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 64)
			got, err := readResponse(br, tt.head)
			if !tt.ok {
				if err == nil {
					t.Fatalf("readResponse(%q) = %+v, nil; want a %v error", tt.in, got, tt.wantErr)
				}
				if k := Classify(err); k != tt.wantErr {
					t.Fatalf("readResponse(%q) error %v classified %v, want %v", tt.in, err, k, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("readResponse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("readResponse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			rest, _ := io.ReadAll(br)
			if string(rest) != tt.rest {
				t.Errorf("left %q unread, want %q", rest, tt.rest)
			}
		})
	}
}

var benchResponses = []struct{ name, resp string }{
	{"body=length", "HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 06:00:00 GMT\r\nContent-Length: 14\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, World!\n"},
	{"body=chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nHello, \r\n7\r\nWorld!\n\r\n0\r\n\r\n"},
}

// BenchmarkReadResponse measures the parser alone on a typical small
// keep-alive response and on a chunked one.
func BenchmarkReadResponse(b *testing.B) {
	for _, c := range benchResponses {
		b.Run(c.name, func(b *testing.B) {
			src := strings.NewReader("")
			br := bufio.NewReaderSize(src, 4096)
			b.SetBytes(int64(len(c.resp)))
			for i := 0; i < b.N; i++ {
				src.Reset(c.resp)
				br.Reset(src)
				if _, err := readResponse(br, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
