package http

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http/httpguts"
)

// headSeeds are request heads of real clients, which parseHead must
// accept (else the fast path is not taken for them), and edge cases
// around what it must refuse.
var headSeeds = []struct {
	head   string
	accept bool
}{
	{"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n", true},
	{"GET / HTTP/1.0\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n", true},
	{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 127.0.0.1\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n", true},
	{"GET /index.html?q=1&r=%20 HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\nCache-Control: max-age=0\r\n" +
		"sec-ch-ua: \"Chromium\";v=\"131\"\r\nUpgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
		"Accept: text/html,application/xhtml+xml;q=0.9\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: a=b; c=d\r\n\r\n", true},
	{"HEAD /a%2Fb HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n", true},
	{"DELETE /r HTTP/1.1\r\nHost: x\r\nPragma: no-cache\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n", true},
	{"GET / HTTP/1.1\r\nHost: x\r\nEmpty:\r\nSpaces: \t a b \t \r\nObs: caf\xe9\r\n\r\n", true},
	{"GET / HTTP/1.0\r\n\r\n", true},

	{"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", true}, // wrk's: no value slice
	{"GET / HTTP/1.0\r\nHost: x\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nHost: x\r\nC: 3\r\nD: 4\r\n\r\n", true},         // 4 value slices
	{"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nHost: x\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", true}, // 5
	{"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nA: 2\r\n\r\n", true},

	{"GET / HTTP/1.1\r\n\r\n", false},                          // no Host
	{"GET / HTTP/1.1\r\nA: 1\r\n\r\n", false},                  // no Host: the value slices run out
	{"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", false},          // the same, later
	{"GET / HTTP/1.1\r\nA: 1\r\nA: 2\r\n\r\n", false},          // no Host, one key
	{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false},    // two Hosts
	{"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", false},             // bad Host
	{"GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", false},       // absolute form
	{"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", false},           // asterisk form
	{"CONNECT /rpc HTTP/1.1\r\nHost: x\r\n\r\n", false},        // CONNECT
	{"GET / HTTP/1.1\nHost: x\n\n", false},                     // bare LF
	{"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n 2\r\n\r\n", false}, // folded
	{"GET / HTTP/1.1\r\nHost : x\r\n\r\n", false},              // space before colon
	{"GET / HTTP/1.1\r\nHost: x\r\nA: \x7f\r\n\r\n", false},    // DEL in a value
	{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", true},
	{"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 0012\r\n\r\nhello, world", true},
	{"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\nh", false},
	{"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\nh", false},
	{"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nh", false},
	{"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n", false},
	{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", false},
	{"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: x\r\n", false}, // incomplete
}

func TestParseHeadSeeds(t *testing.T) {
	s := new(Server)
	for _, seed := range headSeeds {
		if _, _, ok := parseHead([]byte(seed.head), s); ok != seed.accept {
			t.Errorf("parseHead(%q): ok = %v, want %v", seed.head, ok, seed.accept)
		}
		checkHead(t, []byte(seed.head))
	}
}

// FuzzParseHead holds parseHead to net/http: whatever it accepts, the
// server of net/http accepts too and reads as the same request, with the
// same length.
func FuzzParseHead(f *testing.F) {
	for _, seed := range headSeeds {
		f.Add([]byte(seed.head))
	}
	f.Fuzz(checkHead)
}

func checkHead(t *testing.T, b []byte) {
	h, n, ok := parseHead(b, new(Server))
	if !ok {
		return
	}
	want, wantN, err := netHTTPHead(b)
	if err != nil {
		t.Fatalf("parseHead accepted %q; net/http: %v", b, err)
	}
	if n != wantN {
		t.Fatalf("parseHead(%q): length %d, net/http read %d", b, n, wantN)
	}
	ctx := context.Background()
	want = want.WithContext(ctx)
	got := h.request(ctx, "")
	// Every exported field, so that a field a new Go release adds is
	// compared too; Body and GetBody by identity.
	if got.Context() != want.Context() || got.Body != http.NoBody || (want.Body == http.NoBody) != (h.contentLength == 0) || got.GetBody != nil || want.GetBody != nil {
		t.Fatalf("parseHead(%q): context, Body or GetBody differ from net/http's", b)
	}
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range gv.NumField() {
		f := gv.Type().Field(i)
		if !f.IsExported() || f.Name == "Body" || f.Name == "GetBody" {
			continue
		}
		if diff := cmp.Diff(wv.Field(i).Interface(), gv.Field(i).Interface()); diff != "" {
			t.Fatalf("parseHead(%q): %s differs from net/http's (-want +got):\n%s", b, f.Name, diff)
		}
	}
}

// netHTTPHead reads a request from b as net/http's server does: ReadRequest,
// then the checks of its conn.readRequest, and the fast path's own limits
// (no body, no Expect or Upgrade, HTTP/1.x in origin form). It returns
// the request and the bytes it read.
func netHTTPHead(b []byte) (*http.Request, int, error) {
	src := bytes.NewReader(b)
	br := bufio.NewReader(src)
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, 0, err
	}
	n := len(b) - src.Len() - br.Buffered()
	// ReadRequest removes the Host header, which the server checks
	// before that: read the header block again for it.
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	tp.ReadLine()
	raw, _ := tp.ReadMIMEHeader()
	hosts, haveHost := raw["Host"]
	switch {
	case req.ProtoMajor != 1:
		return nil, 0, errRef("protocol")
	case req.ProtoAtLeast(1, 1) && !haveHost:
		return nil, 0, errRef("missing Host")
	case len(hosts) == 1 && !httpguts.ValidHostHeader(hosts[0]):
		return nil, 0, errRef("malformed Host")
	case req.TransferEncoding != nil || req.ContentLength < 0 || len(raw["Content-Length"]) > 1:
		return nil, 0, errRef("a chunked body, or several lengths")
	case !strings.HasPrefix(req.RequestURI, "/") || req.Method == "CONNECT":
		return nil, 0, errRef("not origin form")
	case req.Header.Get("Expect") != "" || req.Header.Get("Upgrade") != "":
		return nil, 0, errRef("Expect or Upgrade")
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, 0, errRef("header name")
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, 0, errRef("header value")
			}
		}
	}
	return req, n, nil
}

type errRef string

func (e errRef) Error() string { return "net/http's server rejects or treats specially: " + string(e) }

// TestParseOriginForm holds parseOriginForm to url.ParseRequestURI: for
// every byte in the path and in the query, and for the shapes of '?',
// it either declines or builds the same URL.
func TestParseOriginForm(t *testing.T) {
	uris := []string{"/", "/a", "/a?", "/a??", "/a?b?", "/?", "/a?b=c&d", "//x/y", "/a?%zz", "/a%20b", "/a b", "*", "", "a/b", "/a#f", "/a?b#f"}
	for c := 0; c < 256; c++ {
		b := string([]byte{byte(c)})
		uris = append(uris, "/p"+b+"q", "/p?"+b, "/p?q"+b+"?", "/"+b+"?x")
	}
	accepted := 0
	for _, uri := range uris {
		var got url.URL
		if !parseOriginForm(&got, uri) {
			continue
		}
		accepted++
		want, err := url.ParseRequestURI(uri)
		if err != nil {
			t.Errorf("parseOriginForm(%q) accepted; url.ParseRequestURI: %v", uri, err)
			continue
		}
		if diff := cmp.Diff(*want, got); diff != "" {
			t.Errorf("parseOriginForm(%q) differs from url.ParseRequestURI (-want +got):\n%s", uri, diff)
		}
	}
	if accepted < 200 {
		t.Errorf("parseOriginForm accepted only %d of %d targets", accepted, len(uris))
	}
}
