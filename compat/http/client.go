package http

import (
	"io"
	"net/http"
	"net/url"
	"time"

	cnet "github.com/evshim/evshim/compat/net"
)

// DefaultTransport is net/http's default transport, with the same settings,
// dialing through compat/net: outbound connections run on the loop. It is
// a *net/http.Transport, so DefaultTransport.(*http.Transport).Clone()
// works as with the standard library.
var DefaultTransport RoundTripper = &http.Transport{
	Proxy: ProxyFromEnvironment,
	DialContext: (&cnet.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: 30 * time.Second,
	}).DialContext,
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          100,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ExpectContinueTimeout: 1 * time.Second,
}

// DefaultClient is the default Client, used by Get, Head, and Post. Its
// Transport is this package's DefaultTransport. A Client built as
// &http.Client{} with no Transport uses net/http's DefaultTransport: set
// Transport: http.DefaultTransport to dial through the loop.
var DefaultClient = &Client{Transport: DefaultTransport}

// Get issues a GET to the specified URL with DefaultClient.
func Get(url string) (resp *Response, err error) { return DefaultClient.Get(url) }

// Head issues a HEAD to the specified URL with DefaultClient.
func Head(url string) (resp *Response, err error) { return DefaultClient.Head(url) }

// Post issues a POST to the specified URL with DefaultClient.
func Post(url, contentType string, body io.Reader) (resp *Response, err error) {
	return DefaultClient.Post(url, contentType, body)
}

// PostForm issues a POST to the specified URL, with data's keys and values
// URL-encoded as the request body, with DefaultClient.
func PostForm(url string, data url.Values) (resp *Response, err error) {
	return DefaultClient.PostForm(url, data)
}
