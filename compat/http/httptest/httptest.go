//go:build go1.26

package httptest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
)

// DefaultRemoteAddr is the default remote address to return in RemoteAddr if
// an explicit DefaultRemoteAddr isn't set on ResponseRecorder. It is
// net/http/httptest's constant.
const DefaultRemoteAddr = httptest.DefaultRemoteAddr

// ResponseRecorder is an implementation of http.ResponseWriter that records
// its mutations for later inspection in tests. It is net/http/httptest's
// type: it does no I/O, and recorders pass between code that imports either
// package.
type ResponseRecorder = httptest.ResponseRecorder

// NewRecorder returns an initialized ResponseRecorder.
func NewRecorder() *ResponseRecorder { return httptest.NewRecorder() }

// NewRequest wraps NewRequestWithContext using context.Background. It is
// net/http/httptest's NewRequest.
func NewRequest(method, target string, body io.Reader) *http.Request {
	return httptest.NewRequest(method, target, body)
}

// NewRequestWithContext returns a new incoming server Request, suitable for
// passing to an http.Handler for testing. It is net/http/httptest's
// NewRequestWithContext, and panics on error as that does.
func NewRequestWithContext(ctx context.Context, method, target string, body io.Reader) *http.Request {
	return httptest.NewRequestWithContext(ctx, method, target, body)
}
