package http

import (
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// head is a request head that the fast path serves: the fields of the
// http.Request that net/http's server would build from it. It is a value
// so that the worker builds the one Request the handler gets, with its
// context, in a single allocation (see request).
type head struct {
	method, uri, proto string
	major, minor       int
	url                *url.URL
	header             http.Header
	host               string
	close              bool
	contentLength      int64 // the Content-Length of a body the head declares, or 0
}

// parseHead parses the request head at the start of b and reports
// whether the fast path may serve it; n is the head's length.
//
// It accepts a strict subset of what net/http's server accepts: a request
// without a body or with a Content-Length one, in origin form, with CRLF line ends, no folded lines
// and nothing that net/http's server would reject or treat specially.
// For that subset it builds what net/http builds (FuzzParseHead compares
// the two); for anything else it returns ok false and the hybrid path
// lets net/http read the request and answer it, errors included.
//
// It runs on the loop for a parked connection's first request and on the
// busy goroutine for pipelined ones, and allocates the head's bytes once:
// the method, target, header keys and values are substrings of one string.
func parseHead(b []byte, s *Server) (h head, n int, ok bool) {
	end := headEnd(b)
	if end < 0 || end > s.maxHeaderBytes() || (s.Protocols != nil && !s.Protocols.HTTP1()) {
		return head{}, 0, false
	}
	raw := string(b[:end])

	line, rest, _ := strings.Cut(raw, "\r\n")
	method, line, ok1 := strings.Cut(line, " ")
	uri, proto, ok2 := strings.Cut(line, " ")
	if !ok1 || !ok2 || !isToken(method) || method == "CONNECT" || method == "PRI" ||
		len(uri) == 0 || uri[0] != '/' {
		return head{}, 0, false
	}
	h.method, h.uri, h.proto = method, uri, proto
	switch proto {
	case "HTTP/1.1":
		h.major, h.minor = 1, 1
	case "HTTP/1.0":
		h.major, h.minor = 1, 0
	default:
		return head{}, 0, false
	}
	// The header block, without its final empty line.
	fields := rest[:len(rest)-2]
	count := strings.Count(fields, "\r\n")
	// The header's value slices: one for each line but Host's, which
	// never enters the header. An HTTP/1.1 request has one Host line or
	// is not the fast path's (net/http answers 400), so it needs one
	// slice fewer than it has lines; should the slices run out, it has
	// no Host line.
	need := count
	if h.minor == 1 {
		need--
	}
	var values []string
	switch {
	case need < 0:
		return head{}, 0, false // no header line, so no Host
	case need == 0:
		h.url = new(url.URL) // a Host line only, as wrk's and ab's requests
	case need <= len(urlValues{}.values):
		// The URL and the header's values in one allocation.
		uv := new(urlValues)
		h.url, values = &uv.url, uv.values[:need:need]
	default:
		h.url, values = new(url.URL), make([]string, need)
	}
	if !parseOriginForm(h.url, uri) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			return head{}, 0, false
		}
		h.url = u
	}
	h.header = make(http.Header, count)
	// Host lines: net/http's server checks them, then removes Host from
	// the header. They never enter the map, which for a request with no
	// other header line then needs no storage.
	var host string
	hosts := 0
	for len(fields) > 0 {
		var field string
		field, fields, _ = strings.Cut(fields, "\r\n")
		name, value, found := strings.Cut(field, ":")
		key, valid := canonicalKey(name)
		if !found || !valid || !validFieldValue(value) {
			return head{}, 0, false // no colon, folded line, bad name or value: net/http decides
		}
		value = trimOWS(value)
		switch key {
		case "Transfer-Encoding", "Expect", "Upgrade":
			// A chunked body, 100-continue, a protocol switch: net/http's
			// parser and rules.
			return head{}, 0, false
		case "Content-Length":
			// One plain decimal length, as net/http's parseContentLength
			// reads it; anything else (a list, a sign, a second header)
			// is net/http's to judge.
			n, ok := parseLength(value)
			if !ok || h.header["Content-Length"] != nil {
				return head{}, 0, false
			}
			h.contentLength = n
		case "Host":
			host = value
			hosts++
			continue
		}
		if vv := h.header[key]; vv != nil {
			h.header[key] = append(vv, value)
		} else {
			if len(values) == 0 {
				return head{}, 0, false // HTTP/1.1 without Host: net/http answers
			}
			vv, values = values[:1:1], values[1:]
			vv[0] = value
			h.header[key] = vv
		}
	}

	// net/http's server checks of the Host header (readRequest).
	switch {
	case hosts > 1,
		h.minor == 1 && hosts == 0,
		hosts == 1 && !httpguts.ValidHostHeader(host):
		return head{}, 0, false
	}
	h.host = host
	// net/http's fixPragmaCacheControl.
	if pragma := h.header["Pragma"]; len(pragma) > 0 && pragma[0] == "no-cache" {
		if _, has := h.header["Cache-Control"]; !has {
			h.header["Cache-Control"] = []string{"no-cache"}
		}
	}
	conn := h.header["Connection"]
	h.close = httpguts.HeaderValuesContainsToken(conn, "close") ||
		h.minor == 0 && !httpguts.HeaderValuesContainsToken(conn, "keep-alive")
	return h, end, true
}

// urlValues is a request's URL and the value slices of its header,
// allocated together: a small head costs one allocation for both. Each
// request has its own; nothing in it is reused.
type urlValues struct {
	url    url.URL
	values [4]string // 144+64 bytes fill the 208-byte size class
}

// parseOriginForm sets u to what url.ParseRequestURI returns for uri, an
// origin-form target, and reports true, if uri is in the plain subset
// whose parse is only a split at the first '?': a path of bytes that
// neither need unescaping nor escaping (so Path is the path as sent and
// RawPath is empty), and a query without control bytes (which the parser
// would reject; it keeps the query as sent). For anything else it
// reports false and leaves u alone: url.ParseRequestURI decides.
func parseOriginForm(u *url.URL, uri string) bool {
	if len(uri) == 0 || uri[0] != '/' {
		return false
	}
	i := 0
	for ; i < len(uri) && uri[i] != '?'; i++ {
		if !pathChars[uri[i]] {
			return false
		}
	}
	path, query := uri[:i], ""
	force := false
	if i < len(uri) {
		query = uri[i+1:]
		for j := 0; j < len(query); j++ {
			if c := query[j]; c < ' ' || c == 0x7f {
				return false
			}
		}
		// A lone '?' at the end: ForceQuery, as the parser sets it only
		// when the target has no other '?'.
		force = query == ""
	}
	*u = url.URL{Path: path, RawQuery: query, ForceQuery: force}
	return true
}

// pathChars marks the bytes a path may hold for parseOriginForm: the
// unreserved ones and the sub-delimiters that net/url leaves unescaped in
// a path, and '/'. Not '%' (Path would be unescaped), nor the ones net/url
// escapes in a path, which would set RawPath: "!'()*" among others.
var pathChars = alnumAnd("-._~/$&+,:;=@")

// parseLength parses a Content-Length of 1 to 18 decimal digits.
func parseLength(v string) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// headEnd returns the length of the head at the start of b, through the
// empty line that ends it, or -1 if b holds no complete head.
func headEnd(b []byte) int {
	if len(b) >= 2 && b[0] == '\r' && b[1] == '\n' {
		return -1 // an empty request line: net/http's to answer
	}
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return i + 4
	}
	return -1
}

// trimOWS trims spaces and tabs from both ends of s, as textproto does
// to header values.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// request builds the Request the handler gets from h, with ctx as its
// context. WithContext copies its receiver, which stays on the stack: a
// request costs one Request allocation, as in net/http.
func (h *head) request(ctx context.Context, remote string) *http.Request {
	r := http.Request{
		Method:        h.method,
		URL:           h.url,
		Proto:         h.proto,
		ProtoMajor:    h.major,
		ProtoMinor:    h.minor,
		Header:        h.header,
		Body:          http.NoBody,
		ContentLength: h.contentLength,
		Close:         h.close,
		Host:          h.host,
		RemoteAddr:    remote,
		RequestURI:    h.uri,
	}
	return r.WithContext(ctx)
}

// canonicalKey returns name in canonical form (textproto's), and false if
// name is not a valid header field name.
func canonicalKey(name string) (string, bool) {
	if !isToken(name) {
		return "", false
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			return textproto.CanonicalMIMEHeaderKey(name), true
		}
		upper = c == '-'
	}
	return name, true
}

// isToken reports whether s is a non-empty RFC 9110 token, as net/http
// requires of methods and header field names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// validFieldValue reports whether v holds only bytes that both textproto
// and net/http's server accept in a header value: no control characters
// other than tab.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
