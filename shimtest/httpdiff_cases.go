package shimtest

import (
	"fmt"
	"strings"
	"time"
)

// The differential cases. Names are stable: pendingDiverge and
// acceptedDiverge refer to them.

const (
	diffShort = time.Millisecond       // shorter than compat/http's grace wait (2 ms minimum)
	diffLong  = 150 * time.Millisecond // longer than any timer of compat/http (grace: 100 ms at most)
	diffGet   = "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
	diffPost  = "POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
	diffEnd   = "GET /end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
)

// diffShape is one request shape; serv, if set, is the server it needs.
type diffShape struct {
	name string
	raw  string
	srv  diffServer
}

var h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// h2Frames are an empty SETTINGS frame and a HEADERS frame (stream 1,
// END_STREAM|END_HEADERS) for GET http://x/h2 in HPACK static-table
// encoding: :method GET, :scheme http, :path (literal "/h2"), :authority x.
var h2Frames = "\x00\x00\x00\x04\x00\x00\x00\x00\x00" +
	"\x00\x00\x0a\x01\x05\x00\x00\x00\x01" + "\x82\x86\x04\x03/h2\x41\x01x"

// h2Ping is a PING frame; h2GoAway a GOAWAY (last stream 1, NO_ERROR).
var (
	h2Ping   = "\x00\x00\x08\x06\x00\x00\x00\x00\x00pingpong"
	h2GoAway = "\x00\x00\x08\x07\x00\x00\x00\x00\x00" + "\x00\x00\x00\x01\x00\x00\x00\x00"
)

var bigBody = strings.Repeat("b", 300<<10) // more than net/http's 256 KiB discard limit

func chunked(path, chunks string) string {
	return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
}

func withLen(method, path, body string) string {
	return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", method, path, len(body), body)
}

var diffShapes = []diffShape{
	// Plain requests.
	{name: "get", raw: "GET /a?b=c HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n"},
	{name: "get-close", raw: "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
	{name: "head", raw: "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "put", raw: withLen("PUT", "/p", "put")},
	{name: "delete", raw: "DELETE /d HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "custom-method", raw: "PURGE /d HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "http10", raw: "GET /old HTTP/1.0\r\n\r\n"},
	{name: "http10-keepalive", raw: "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
	{name: "http10-post", raw: "POST /old HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi"},
	{name: "absolute-uri", raw: "GET http://y/abs HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "options-star", raw: "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "connect", raw: "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n"},
	{name: "upgrade-websocket", raw: "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"},
	{name: "upgrade-h2c", raw: "GET /u HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"},
	{name: "lf-only", raw: "GET /lf HTTP/1.1\nHost: x\n\n"},
	{name: "leading-crlf", raw: "\r\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "many-headers", raw: "GET /m HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nA: 3\r\ncontent-type: text/plain\r\nX-Empty:\r\nX-Sp:   v  \r\n\r\n"},
	{name: "percent-path", raw: "GET /a%20b/%7e?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "bad-percent-path", raw: "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "utf8-path", raw: "GET /é HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "panic", raw: "GET /panic HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "abort", raw: "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "superfluous-writeheader", raw: "GET /twice HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "flush", raw: "GET /flush HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "handler-close", raw: "GET /close HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "read-deadline-now", raw: withLen("POST", "/deadline", "abcdef")},
	{name: "early-hints", raw: "GET /early HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "no-content-write", raw: "GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "big-response", raw: "GET /bigresp HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "big-response-head", raw: "HEAD /bigresp HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "big-response-http10", raw: "GET /bigresp HTTP/1.0\r\n\r\n"},
	{name: "response-trailer", raw: "GET /trailer HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "response-trailer-http10", raw: "GET /trailer HTTP/1.0\r\n\r\n"},
	{name: "response-bad-length", raw: "GET /badlen HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "head-flush", raw: "HEAD /flush HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "connection-list", raw: "GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n"},
	{name: "get-cl-zero", raw: "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"},
	{name: "long-uri", raw: "GET /" + strings.Repeat("u", 6000) + " HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "pipeline-50", raw: strings.Repeat("GET /p50 HTTP/1.1\r\nHost: x\r\n\r\n", 50)},
	{name: "pipeline-mixed", raw: "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n" + chunked("/2", "2\r\nab\r\n0\r\n\r\n") +
		"HEAD /3 HTTP/1.1\r\nHost: x\r\n\r\n" + withLen("POST", "/unread", "four") + "GET /5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
		withLen("PUT", "/half", "0123456789") + "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /8 HTTP/1.1\r\nHost: x\r\n\r\n"},

	// Bodies.
	{name: "post-cl", raw: withLen("POST", "/p", "hello")},
	{name: "post-cl-zero", raw: withLen("POST", "/p", "")},
	{name: "post-chunked", raw: chunked("/c", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")},
	{name: "post-chunked-trailer", raw: "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n3\r\nabc\r\n0\r\nX-T: v\r\n\r\n"},
	{name: "post-chunked-undeclared-trailer", raw: chunked("/c", "3\r\nabc\r\n0\r\nX-U: v\r\n\r\n")},
	{name: "post-chunked-ext", raw: chunked("/c", "3;ext=1\r\nabc\r\n0;e\r\n\r\n")},
	{name: "post-chunked-upper-hex", raw: chunked("/c", "A\r\n0123456789\r\n0\r\n\r\n")},
	{name: "post-max-cl", raw: withLen("POST", "/max", "0123456789abcdefghij")},
	{name: "post-max-chunked", raw: chunked("/max", "14\r\n0123456789abcdefghij\r\n0\r\n\r\n")},
	{name: "post-max-fits", raw: withLen("POST", "/max", "0123")},
	{name: "post-unread-small", raw: withLen("POST", "/unread", "hello")},
	{name: "post-unread-chunked", raw: chunked("/unread", "3\r\nabc\r\n0\r\n\r\n")},
	{name: "post-unread-big", raw: withLen("POST", "/unread", bigBody)},
	{name: "post-unread-big-chunked", raw: chunked("/unread", fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(bigBody), bigBody))},
	{name: "post-half-read", raw: withLen("POST", "/half", "0123456789")},
	{name: "post-big-read", raw: withLen("POST", "/p", bigBody)},
	{name: "post-short-body", raw: "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"},
	{name: "post-no-length", raw: "POST /p HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "get-with-body", raw: withLen("GET", "/g", "body")},
	{name: "post-crlf-after-body", raw: withLen("POST", "/p", "abc") + "\r\n"},
	{name: "expect-continue", raw: "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"},
	{name: "expect-continue-unread", raw: "POST /unread HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"},
	{name: "expect-continue-http10", raw: "POST /p HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"},
	{name: "expect-unknown", raw: "GET /e HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n"},

	// Malformed and smuggling shapes.
	{name: "bad-request-line", raw: "GARBAGE\r\n\r\n"},
	// A request line alone: net/http judges it before reading headers.
	{name: "line-only-garbage", raw: "GARBAGE\r\n"},
	{name: "line-only-bad-version", raw: "GET / HTTP/9.9\r\n"},
	{name: "line-only-fuzz", raw: "0 0 HTTP/\n"},
	{name: "line-only-fuzz-crlf", raw: "0 00000000 HTTP/\r\n"},
	{name: "line-only-empty-version", raw: "GET / HTTP/\r\n"},
	{name: "line-only-bad-target", raw: "GET x HTTP/1.1\r\n"},
	{name: "line-only-good", raw: "GET / HTTP/1.1\r\n"},
	{name: "line-only-version-0", raw: "GET / HTTP/0.0\r\n"},
	// A malformed header line before the head is complete: net/http
	// judges each header line as it reads it.
	{name: "partial-head-no-colon", raw: "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n"},
	{name: "partial-head-bad-name", raw: "GET / HTTP/1.1\r\nBad Name: 1\r\n"},
	{name: "partial-head-fuzz", raw: "0 * HTTP/0.0\n0\n0"},
	{name: "partial-head-empty-name", raw: "GET / HTTP/1.1\r\n: v\r\n"},
	{name: "partial-head-fuzz2", raw: "0 /0 HTTP/0.0\r\n:\n0"},
	{name: "partial-head-colon-lf", raw: "GET / HTTP/1.1\r\n:\n"},
	{name: "partial-head-colon-crlf", raw: "GET / HTTP/1.1\r\n:\r\n"},
	// A line with a colon is judged once the next line's first byte says
	// it is not continued.
	{name: "partial-head-empty-name-next", raw: "GET / HTTP/1.1\r\n: v\r\nX"},
	{name: "partial-head-bad-name-next", raw: "GET / HTTP/1.1\r\nBad(Name): 1\r\nX"},
	{name: "partial-head-space-name-next", raw: "GET / HTTP/1.1\r\nHost : x\r\nX"},
	{name: "partial-head-ctl-value-next", raw: "GET / HTTP/1.1\r\nX-A: a\x01b\r\nX"},
	{name: "partial-head-del-value-next", raw: "GET / HTTP/1.1\r\nX-A: a\x7fb\r\nX"},
	{name: "partial-head-cr-value-next", raw: "GET / HTTP/1.1\r\nX-A: a\rb\r\nX"},
	{name: "partial-head-tab-value-next", raw: "GET / HTTP/1.1\r\nX-A: a\tb\r\nX"},
	{name: "partial-head-obs-text-next", raw: "GET / HTTP/1.1\r\nX-A: caf\xc3\xa9\r\nX"},
	{name: "partial-head-bad-name-folded", raw: "GET / HTTP/1.1\r\nBad(Name): 1\r\n x"},
	{name: "bad-version", raw: "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
	{name: "lower-version", raw: "GET / http/1.1\r\nHost: x\r\n\r\n"},
	{name: "double-space-line", raw: "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "tab-in-line", raw: "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "bad-method-char", raw: "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"},
	{name: "missing-host", raw: "GET / HTTP/1.1\r\n\r\n"},
	{name: "two-hosts", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
	{name: "bad-host", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"},
	// Host header shapes: net/http's server checks the Host lines its
	// parser read (count, presence by HTTP version, value), whatever the
	// target's form. A chunked body, a folded line or an absolute target
	// takes compat/http's ReadRequest path; the plain ones its fast parser.
	{name: "host-empty", raw: "GET / HTTP/1.1\r\nHost:\r\n\r\n"},
	{name: "host-empty-chunked", raw: "POST / HTTP/1.1\r\nHost:\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "host-spaces-chunked", raw: "POST / HTTP/1.1\r\nHost:  \t \r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "host-missing-chunked", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "host-lower-chunked", raw: "POST / HTTP/1.1\r\nhost: y\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "host-upper", raw: "GET / HTTP/1.1\r\nHOST: y\r\n\r\n"},
	{name: "host-port-ipv6-chunked", raw: "POST / HTTP/1.1\r\nHost: [::1]:80\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "two-hosts-same-case", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"},
	{name: "two-hosts-chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nHost: b\r\n\r\n0\r\n\r\n"},
	{name: "two-hosts-one-empty", raw: "GET / HTTP/1.1\r\nHost:\r\nHost: a\r\n\r\n"},
	{name: "two-hosts-http10", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"},
	{name: "bad-host-chunked", raw: "POST / HTTP/1.1\r\nHost: a b\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "bad-host-slash", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"},
	{name: "bad-host-ctl-chunked", raw: "POST / HTTP/1.1\r\nHost: a\x01b\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "bad-host-utf8-chunked", raw: "POST / HTTP/1.1\r\nHost: caf\xc3\xa9\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "bad-host-http10", raw: "GET / HTTP/1.0\r\nHost: a b\r\n\r\n"},
	{name: "http10-folded-no-host", raw: "POST / HTTP/1.0\r\nContent-Length: 0\r\nX-A: 1\r\n  2\r\n\r\n"},
	{name: "absolute-no-host", raw: "GET http://y/abs HTTP/1.1\r\n\r\n"},
	{name: "absolute-empty-host", raw: "GET http://y/abs HTTP/1.1\r\nHost:\r\n\r\n"},
	{name: "absolute-bad-host", raw: "GET http://y/abs HTTP/1.1\r\nHost: a b\r\n\r\n"},
	{name: "absolute-two-hosts", raw: "GET http://y/abs HTTP/1.1\r\nHost: y\r\nHost: y\r\n\r\n"},
	{name: "absolute-no-host-http10", raw: "GET http://y/abs HTTP/1.0\r\n\r\n"},
	{name: "absolute-bad-host-http10", raw: "GET http://y/abs HTTP/1.0\r\nHost: a b\r\n\r\n"},
	{name: "absolute-empty-authority", raw: "GET http:///abs HTTP/1.1\r\nHost: a b\r\n\r\n"},
	{name: "connect-no-host", raw: "CONNECT y:443 HTTP/1.1\r\n\r\n"},
	{name: "connect-bad-host", raw: "CONNECT y:443 HTTP/1.1\r\nHost: a b\r\n\r\n"},
	{name: "connect-path-no-host", raw: "CONNECT /rpc HTTP/1.1\r\n\r\n"},
	{name: "host-folded-bad", raw: "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"},
	{name: "host-folded-empty-first", raw: "GET / HTTP/1.1\r\nHost:\r\n y\r\n\r\n"},
	{name: "host-in-value", raw: "POST / HTTP/1.1\r\nX-A: Host: y\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "host-in-folded-line", raw: "GET / HTTP/1.1\r\nX-A: a\r\n Host: y\r\n\r\n"},
	{name: "host-bare-lf-bad", raw: "GET http://y/ HTTP/1.1\nHost: a b\n\n"},
	{name: "host-bare-lf-absolute", raw: "GET http://y/ HTTP/1.1\nX-A: 1\nhost: y\n\n"},
	{name: "host-tab-value", raw: "GET http://y/ HTTP/1.1\r\nHost:\ty\t\r\n\r\n"},
	{name: "host-name-suffix", raw: "GET / HTTP/1.1\r\nHostx: y\r\nX-Host: y\r\n\r\n"},
	{name: "pri-with-host", raw: "PRI * HTTP/2.0\r\nHost: x\r\n\r\n"},
	{name: "pri-bad-host", raw: "PRI * HTTP/2.0\r\nHost: a b\r\n\r\n"},
	{name: "bad-header-name", raw: "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"},
	{name: "space-before-colon", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n"},
	{name: "no-colon", raw: "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"},
	{name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n"},
	{name: "obs-fold-first", raw: "GET / HTTP/1.1\r\n Host: x\r\n\r\n"},
	{name: "bare-lf-header", raw: "GET / HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n"},
	{name: "bare-cr-header", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r2\r\n\r\n"},
	{name: "bare-cr-line", raw: "GET / HTTP/1.1\rHost: x\r\n\r\n"},
	{name: "nul-in-value", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"},
	{name: "ctl-in-value", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n"},
	{name: "cl-and-te", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{name: "te-and-cl", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{name: "dup-cl-same", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"},
	{name: "dup-cl-differ", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
	{name: "cl-list", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc"},
	{name: "cl-negative", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"},
	{name: "cl-plus", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc"},
	{name: "cl-space-inside", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\nabc"},
	{name: "cl-huge", raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"},
	{name: "te-unsupported", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"},
	{name: "te-gzip-chunked", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"},
	{name: "te-double-chunked", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"},
	{name: "te-two-headers", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{name: "te-upper", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{name: "te-identity", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc"},
	{name: "te-space-colon", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"},
	{name: "te-folded", raw: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"},
	{name: "te-http10", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{name: "chunk-bad-size", raw: chunked("/", "zz\r\nabc\r\n0\r\n\r\n")},
	{name: "chunk-size-overflow", raw: chunked("/", "fffffffffffffffff\r\nabc\r\n0\r\n\r\n")},
	{name: "chunk-missing-crlf", raw: chunked("/", "3\r\nabcX0\r\n\r\n")},
	{name: "chunk-lf-only", raw: chunked("/", "3\nabc\n0\n\n")},
	{name: "chunk-negative", raw: chunked("/", "-3\r\nabc\r\n0\r\n\r\n")},
	{name: "chunk-space-size", raw: chunked("/", "3 \r\nabc\r\n0\r\n\r\n")},
	{name: "chunk-truncated", raw: chunked("/", "5\r\nab")},
	{name: "header-too-large", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 5000) + "\r\n\r\n", srv: diffServer{MaxHeaderBytes: 4096}},
	{name: "header-near-limit", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 3000) + "\r\n\r\n", srv: diffServer{MaxHeaderBytes: 4096}},
	{name: "h2-preface", raw: h2Preface},
	{name: "h2-preface-frames", raw: h2Preface + h2Frames},
	{name: "h2c-preface-frames", raw: h2Preface + h2Frames, srv: diffServer{H2C: true}},
	{name: "h2c-get", raw: "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", srv: diffServer{H2C: true}},
	{name: "h2c-post", raw: withLen("POST", "/p", "abc"), srv: diffServer{H2C: true}},

	// Hijack paths.
	{name: "hijack", raw: "GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nEXTRA"},
	{name: "hijack-body-half", raw: withLen("POST", "/hijack", "abcdef") + "EXTRA"},
	{name: "hijack-body-chunked", raw: chunked("/hijack", "6\r\nabcdef\r\n0\r\n\r\n") + "EXTRA"},
	{name: "hijack-after-writeheader", raw: "GET /hijack2 HTTP/1.1\r\nHost: x\r\n\r\n"},
}

// diffCases returns every case; short trims the sweeps.
func diffCases(short bool) []diffCase {
	var cs []diffCase
	add := func(c diffCase) {
		if !(short && c.long) {
			cs = append(cs, c)
		}
	}
	for _, s := range diffShapes {
		add(diffCase{name: "alone/" + s.name, srv: s.srv, steps: writes(s.raw)})
		add(diffCase{name: "behind-get/" + s.name, srv: s.srv, steps: writes(diffGet + s.raw)})
		add(diffCase{name: "behind-post/" + s.name, srv: s.srv, steps: writes(diffPost + s.raw)})
		// After a request that was served, the shape arrives later than
		// any timer of compat/http's, and a request follows it later
		// still: each once the server has caught up with what came before.
		add(diffCase{name: "after-gap/" + s.name, srv: s.srv,
			steps: []step{wr(diffPost), pause(diffLong), caughtUp(), wr(s.raw), pause(diffLong), caughtUp(), wr(diffEnd)}})
	}
	for _, c := range sweepCases() {
		add(c)
	}
	for _, c := range scenarioCases() {
		add(c)
	}
	return cs
}

// sweepCases split representative requests in two segments at every byte
// boundary of the request line and headers.
func sweepCases() []diffCase {
	type sweep struct {
		name, prefix, req string
		d                 time.Duration
		long              bool
	}
	get := "GET /s?q=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n"
	post := "POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
	chunk := "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	bad := "GET /b HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"
	sweeps := []sweep{
		{"get", "", get, diffShort, false},
		{"get/behind-get", diffGet, get, diffShort, false},
		{"get/behind-post", diffPost, get, diffShort, false},
		{"post/behind-get", diffGet, post, diffShort, false},
		{"chunked", "", chunk, diffShort, true},
		{"bad", diffGet, bad, diffShort, true},
		{"absolute-host/behind-post", diffPost, "GET http://y/s HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n", diffShort, true},
		{"get/behind-post/long", diffPost, get, diffLong, false},
		{"post/behind-get/long", diffGet, post, diffLong, true},
	}
	var cs []diffCase
	for _, s := range sweeps {
		head := strings.Index(s.req, "\r\n\r\n") + 4
		for k := 1; k < head; k++ {
			cs = append(cs, diffCase{
				name:  fmt.Sprintf("split/%s/%d", s.name, k),
				steps: splitSteps([]string{s.prefix + s.req[:k], s.req[k:] + diffEnd}, s.d),
				long:  s.long || (s.d == diffLong && k%4 != 0),
			})
		}
	}
	return cs
}

// scenarioCases are the timeouts, server-side actions and the issue's
// three bugs.
func scenarioCases() []diffCase {
	ms := time.Millisecond
	return []diffCase{
		// Issue 11, verbatim.
		{name: "issue/desync", steps: writesD(100*ms,
			"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /x HTTP/1.1\r\nX-Ignore: abc",
			"GET /admin HTTP/1.1\r\nHost: x\r\n\r\n")},
		{name: "issue/split-400-behind-get", steps: writesD(100*ms,
			"GET /x HTTP/1.1\r\nHost: x\r\n\r\nGET /x HT", "TP/1.1\r\nHost: x\r\n\r\n")},
		{name: "issue/split-400-behind-post", steps: writesD(100*ms,
			diffPost+"GET /x HT", "TP/1.1\r\nHost: x\r\n\r\n")},
		{name: "issue/crlf-after-body-later", steps: writesD(100*ms, withLen("POST", "/p", "abc"), "\r\n", diffEnd)},
		{name: "issue/large-pipelined-head", srv: diffServer{MaxHeaderBytes: 4096},
			steps: writes(diffGet + "GET /big HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 3500) + "\r\n\r\n")},
		{name: "issue/h2c-preface-after-request", srv: diffServer{H2C: true}, steps: writes(diffGet + h2Preface + h2Frames)},
		{name: "issue/h2c-preface-after-request-later", srv: diffServer{H2C: true}, steps: writesD(diffLong, diffGet, h2Preface+h2Frames)},
		{name: "issue/h2c-idle-gap", srv: diffServer{H2C: true}, steps: append(writes(h2Preface+h2Frames), pause(diffLong),
			wr(h2Ping))},
		{name: "issue/h2-preface-after-request", steps: writes(diffGet + h2Preface + h2Frames)},

		// A long-lived h2c connection belongs to net/http's HTTP/2 server:
		// gaps longer than ReadHeaderTimeout (HTTP/1's) do not end it;
		// IdleTimeout (or ReadTimeout, which stands in for it) does, with
		// a GOAWAY; the client's GOAWAY and Shutdown do. net/http's HTTP/2
		// server closes 1 s or more after its GOAWAY, by timers that run
		// late under load: the cases observe the end, after a settle
		// long enough to include it, rather than check at a fixed time.
		{name: "h2c/gaps-over-header-timeout", srv: diffServer{H2C: true, ReadHeaderTimeout: 100 * ms, IdleTimeout: 5 * time.Second},
			steps: []step{wr(h2Preface + h2Frames), pause(300 * ms), wr(h2Ping), pause(300 * ms), wr(h2Ping), check(100 * ms)}},
		{name: "h2c/idle-timeout", srv: diffServer{H2C: true, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 200 * ms},
			steps: []step{wr(h2Preface + h2Frames), check(50 * ms)}, settle: 3 * time.Second},
		{name: "h2c/idle-timeout-pinged", srv: diffServer{H2C: true, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 300 * ms},
			steps: []step{wr(h2Preface + h2Frames), pause(150 * ms), wr(h2Ping), pause(150 * ms), wr(h2Ping)}, settle: 3 * time.Second},
		{name: "h2c/read-timeout", srv: diffServer{H2C: true, ReadTimeout: 200 * ms},
			steps: []step{wr(h2Preface + h2Frames), check(50 * ms)}, settle: 3 * time.Second},
		{name: "h2c/client-goaway", srv: diffServer{H2C: true},
			steps: []step{wr(h2Preface + h2Frames), pause(100 * ms), wr(h2GoAway)}, settle: 3 * time.Second},
		{name: "h2c/shutdown", srv: diffServer{H2C: true},
			steps: []step{wr(h2Preface + h2Frames), pause(100 * ms), shutdown(2 * time.Second)}, settle: 3 * time.Second},

		// After a POST, net/http's parser skips up to 4 CR or LF bytes; the
		// head after them arrives later, so ReadRequest reads it off the
		// socket, and the Host lines are among those bytes.
		{name: "host/crlf-after-post-split-absolute", steps: writesD(diffLong, diffPost+"\r\n\r\nGET http://y/abs HTTP/1.1\r\n",
			"Host: x\r\n\r\n"+diffEnd)},
		{name: "host/crlf-after-post-split-bad", steps: writesD(diffLong, diffPost+"\r\n\r\nGET http://y/abs HTTP/1.1\r\n",
			"Host: a b\r\n\r\n")},
		{name: "host/crlf-after-post-split-missing", steps: writesD(diffLong, diffPost+"\r\n\r\nGET http://y/abs HTTP/1.1\r\n",
			"X-A: 1\r\n\r\n")},
		{name: "host/crlf-after-post-split-empty", steps: writesD(diffLong, diffPost+"\n\nGET / HTTP/1.1\r\nX-A: 1\r\n",
			"Host:\r\n\r\n"+diffEnd)},
		{name: "host/crlf-after-post-split-two", steps: writesD(diffShort, diffPost+"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n",
			"Ho", "st: a\r\n\r\n")},
		{name: "host/crlf-after-post-split-folded", steps: writesD(diffShort, diffPost+"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n",
			" b\r\n", "\r\n")},

		// ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout.
		{name: "timeout/rht-in-line", srv: diffServer{ReadHeaderTimeout: 100 * ms, IdleTimeout: 5 * time.Second},
			steps: []step{wr("GET /x HT"), check(600 * ms)}},
		{name: "timeout/rht-in-headers", srv: diffServer{ReadHeaderTimeout: 100 * ms, IdleTimeout: 5 * time.Second},
			steps: []step{wr("GET /x HTTP/1.1\r\nHost: x\r\n"), check(600 * ms)}},
		{name: "timeout/rht-trickle-in-time", srv: diffServer{ReadHeaderTimeout: 500 * ms, IdleTimeout: 5 * time.Second},
			steps: writesD(40*ms, "GET /x", " HTTP/1.1\r\n", "Host: x\r\n", "X-A: 1\r\n", "X-B: 2\r\n", "\r\n")},
		// The client stops writing before the timeout, so that no write
		// races the server's close (which would make RST or EOF a toss-up).
		{name: "timeout/rht-trickle", srv: diffServer{ReadHeaderTimeout: 200 * ms, IdleTimeout: 5 * time.Second},
			steps: append(writesD(60*ms, "GET /x", " HTTP/1.1\r\n", "Host: x\r\n"), check(600*ms))},
		{name: "timeout/rht-second-request", srv: diffServer{ReadHeaderTimeout: 100 * ms, IdleTimeout: 5 * time.Second},
			steps: []step{wr(diffGet + "GET /x HT"), check(600 * ms)}},
		{name: "timeout/rht-not-idle", srv: diffServer{ReadHeaderTimeout: 100 * ms, IdleTimeout: 5 * time.Second},
			steps: []step{wr(diffGet), pause(250 * ms), wr(diffEnd)}},
		{name: "timeout/read-body", srv: diffServer{ReadTimeout: 150 * ms},
			steps: []step{wr("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"), check(600 * ms)}},
		{name: "timeout/read-idle", srv: diffServer{ReadTimeout: 150 * ms},
			steps: []step{wr(diffGet), check(50 * ms), check(600 * ms)}},
		{name: "timeout/write", srv: diffServer{WriteTimeout: 100 * ms},
			steps: []step{wr("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"), check(800 * ms)}},
		{name: "timeout/write-post", srv: diffServer{WriteTimeout: 100 * ms},
			steps: []step{wr(withLen("POST", "/slow", "abc")), check(800 * ms)}},
		{name: "timeout/idle", srv: diffServer{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 150 * ms},
			steps: []step{wr(diffGet), check(50 * ms), check(600 * ms)}},
		{name: "timeout/idle-after-post", srv: diffServer{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 150 * ms},
			steps: []step{wr(diffPost), check(50 * ms), check(600 * ms)}},
		{name: "timeout/idle-reused", srv: diffServer{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 300 * ms},
			steps: []step{wr(diffGet), pause(100 * ms), wr(diffPost), pause(100 * ms), wr(diffEnd)}},
		{name: "timeout/idle-partial-head", srv: diffServer{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 150 * ms},
			steps: []step{wr(diffGet), pause(50 * ms), wr("GET /x HTTP/1.1\r\n"), check(600 * ms)}},

		// Bodies that arrive in pieces, after 100 Continue, or meet Shutdown.
		{name: "body/expect-continue-wait", steps: []step{wr("POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
			pause(50 * ms), wr("abc"), pause(diffLong), wr(diffEnd)}},
		{name: "body/expect-continue-big-unread", steps: writes("POST /unread HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 400000\r\n\r\n")},
		{name: "body/cl-slow", steps: writesD(diffLong, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", "defg", "hij"+diffEnd)},
		{name: "body/cl-slow-short", steps: writesD(diffShort, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", "defg", "hij"+diffEnd)},
		{name: "body/chunked-slow", steps: writesD(diffLong, chunked("/c", "3\r\nab"), "c\r\n", "0\r\nX-T: 1\r\n", "\r\n"+diffEnd)},
		{name: "body/chunked-slow-short", steps: writesD(diffShort, chunked("/c", "3\r\nab"), "c\r\n", "0\r\nX-T: 1\r\n", "\r\n"+diffEnd)},
		{name: "body/unread-big-then-get", steps: writes(withLen("POST", "/unread", bigBody) + diffGet)},
		{name: "body/unread-small-then-get", steps: writes(withLen("POST", "/unread", "hello") + diffGet + diffEnd)},
		{name: "body/half-read-then-get", steps: writes(withLen("POST", "/half", "0123456789") + diffEnd)},
		{name: "body/max-then-get", steps: writes(withLen("POST", "/max", "0123456789abcdefghij") + diffEnd)},
		{name: "body/two-unread-posts", steps: writes(withLen("POST", "/unread", "one") + withLen("POST", "/unread", "two") + diffEnd)},
		{name: "body/close-header-post", steps: writes("POST /p HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc" + diffGet)},
		{name: "body/http10-unread", steps: writes("POST /unread HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")},
		{name: "body/read-timeout-in-time", srv: diffServer{ReadTimeout: 400 * ms},
			steps: writesD(50*ms, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc", "def"+diffEnd)},
		{name: "body/shutdown-mid-body", steps: []step{wr("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"),
			pause(50 * ms), shutdown(2 * time.Second), pause(100 * ms), wr("def"), check(600 * ms)}},
		{name: "body/close-mid-body", steps: []step{wr("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"),
			pause(50 * ms), closeServer(), check(600 * ms)}},
		{name: "body/full-duplex", steps: writesD(50*ms, "POST /duplex HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\none\n", "two\n", diffEnd)},

		// Client goes away, context.
		{name: "ctx/client-close", steps: []step{wr("GET /ctx HTTP/1.1\r\nHost: x\r\n\r\n"), pause(50 * ms), halfClose()}},
		{name: "ctx/client-close-post", steps: []step{wr(withLen("POST", "/ctx", "abc")), pause(50 * ms), halfClose()}},
		{name: "ctx/half-close-after-get", steps: []step{wr(diffGet), halfClose()}},
		{name: "ctx/half-close-short-body", steps: []step{wr("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"), halfClose()}},
		{name: "ctx/half-close-mid-head", steps: []step{wr("GET /x HTTP/1.1\r\nHo"), halfClose()}},

		// Shutdown, Close, SetKeepAlivesEnabled.
		{name: "server/shutdown-idle", steps: []step{wr(diffGet), check(50 * ms), shutdown(2 * time.Second), check(600 * ms)}},
		{name: "server/shutdown-idle-after-post", steps: []step{wr(diffPost), check(50 * ms), shutdown(2 * time.Second), check(600 * ms)}},
		{name: "server/shutdown-busy", steps: []step{wr("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"), waitInHandler(),
			shutdown(2 * time.Second), pause(100 * ms), releaseHandler(), check(600 * ms)}},
		{name: "server/shutdown-busy-post", steps: []step{wr(withLen("POST", "/block", "abc")), waitInHandler(),
			shutdown(2 * time.Second), pause(100 * ms), releaseHandler(), check(600 * ms)}},
		{name: "server/shutdown-partial-next", steps: []step{wr(diffGet), check(50 * ms), wr("GET /x HTTP/1.1\r\n"),
			pause(20 * ms), caughtUp(), shutdown(2 * time.Second), check(600 * ms)}},
		{name: "server/shutdown-new-partial", steps: []step{wr("GET /x HT"), pause(20 * ms), shutdown(300 * ms), check(600 * ms)}},
		// The pause lets the handler see its context canceled before the
		// harness releases it.
		{name: "server/close-busy", steps: []step{wr("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"), waitInHandler(), closeServer(),
			check(600 * ms), pause(300 * ms)}},
		{name: "server/close-idle", steps: []step{wr(diffPost), check(50 * ms), closeServer(), check(600 * ms)}},
		{name: "server/keepalives-off", srv: diffServer{KeepAlivesOff: true}, steps: writes(diffGet + diffGet)},
		{name: "server/keepalives-off-post", srv: diffServer{KeepAlivesOff: true}, steps: writes(diffPost + diffGet)},
		{name: "server/keepalives-off-split", srv: diffServer{KeepAlivesOff: true}, steps: writesD(diffLong, "GET /x HT", "TP/1.1\r\nHost: x\r\n\r\n")},
		{name: "server/keepalives-off-idle", steps: []step{wr(diffGet), check(50 * ms), keepAlivesOff(), check(600 * ms)}},
		{name: "server/keepalives-off-half-read", steps: []step{wr("GET /x HT"), pause(50 * ms), keepAlivesOff(),
			wr("TP/1.1\r\nHost: x\r\n\r\n"), check(600 * ms)}},
		{name: "server/keepalives-off-busy", steps: []step{wr("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"), waitInHandler(),
			keepAlivesOff(), releaseHandler(), caughtUp(), wr(diffGet), check(600 * ms)}},

		// Several connections in a row on one server.
		{name: "conns/three", steps: []step{wr(diffPost), check(50 * ms), redial(), wr("BAD\r\n\r\n"), check(100 * ms), redial(), wr(diffEnd)}},
	}
}
