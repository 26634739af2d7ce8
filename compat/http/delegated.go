//go:build go1.26

// The declarations below were generated from net/http's exports with go/types
// and reviewed by hand: each is net/http's own type, value or function.

package http

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"time"
)

// Types are aliases of net/http's, so values pass both ways unchanged.
type (
	Client                = http.Client
	ClientConn            = http.ClientConn
	CloseNotifier         = http.CloseNotifier
	ConnState             = http.ConnState
	Cookie                = http.Cookie
	CookieJar             = http.CookieJar
	CrossOriginProtection = http.CrossOriginProtection
	Dir                   = http.Dir
	File                  = http.File
	FileSystem            = http.FileSystem
	Flusher               = http.Flusher
	HTTP2Config           = http.HTTP2Config
	Handler               = http.Handler
	HandlerFunc           = http.HandlerFunc
	Header                = http.Header
	Hijacker              = http.Hijacker
	MaxBytesError         = http.MaxBytesError
	ProtocolError         = http.ProtocolError
	Protocols             = http.Protocols
	PushOptions           = http.PushOptions
	Pusher                = http.Pusher
	Request               = http.Request
	Response              = http.Response
	ResponseController    = http.ResponseController
	ResponseWriter        = http.ResponseWriter
	RoundTripper          = http.RoundTripper
	SameSite              = http.SameSite
	ServeMux              = http.ServeMux
	Transport             = http.Transport
)

// Variables are net/http's own values: sentinels compare equal, and
// DefaultServeMux is the very mux that net/http's Handle registers on.
var (
	DefaultServeMux         = http.DefaultServeMux
	ErrAbortHandler         = http.ErrAbortHandler
	ErrBodyNotAllowed       = http.ErrBodyNotAllowed
	ErrBodyReadAfterClose   = http.ErrBodyReadAfterClose
	ErrContentLength        = http.ErrContentLength
	ErrHandlerTimeout       = http.ErrHandlerTimeout
	ErrHeaderTooLong        = http.ErrHeaderTooLong
	ErrHijacked             = http.ErrHijacked
	ErrLineTooLong          = http.ErrLineTooLong
	ErrMissingBoundary      = http.ErrMissingBoundary
	ErrMissingContentLength = http.ErrMissingContentLength
	ErrMissingFile          = http.ErrMissingFile
	ErrNoCookie             = http.ErrNoCookie
	ErrNoLocation           = http.ErrNoLocation
	ErrNotMultipart         = http.ErrNotMultipart
	ErrNotSupported         = http.ErrNotSupported
	ErrSchemeMismatch       = http.ErrSchemeMismatch
	ErrServerClosed         = http.ErrServerClosed
	ErrShortBody            = http.ErrShortBody
	ErrSkipAltProtocol      = http.ErrSkipAltProtocol
	ErrUnexpectedTrailer    = http.ErrUnexpectedTrailer
	ErrUseLastResponse      = http.ErrUseLastResponse
	ErrWriteAfterFlush      = http.ErrWriteAfterFlush
	LocalAddrContextKey     = http.LocalAddrContextKey
	NoBody                  = http.NoBody
	ServerContextKey        = http.ServerContextKey
)

const (
	DefaultMaxHeaderBytes               = http.DefaultMaxHeaderBytes
	DefaultMaxIdleConnsPerHost          = http.DefaultMaxIdleConnsPerHost
	MethodConnect                       = http.MethodConnect
	MethodDelete                        = http.MethodDelete
	MethodGet                           = http.MethodGet
	MethodHead                          = http.MethodHead
	MethodOptions                       = http.MethodOptions
	MethodPatch                         = http.MethodPatch
	MethodPost                          = http.MethodPost
	MethodPut                           = http.MethodPut
	MethodTrace                         = http.MethodTrace
	SameSiteDefaultMode                 = http.SameSiteDefaultMode
	SameSiteLaxMode                     = http.SameSiteLaxMode
	SameSiteNoneMode                    = http.SameSiteNoneMode
	SameSiteStrictMode                  = http.SameSiteStrictMode
	StateActive                         = http.StateActive
	StateClosed                         = http.StateClosed
	StateHijacked                       = http.StateHijacked
	StateIdle                           = http.StateIdle
	StateNew                            = http.StateNew
	StatusAccepted                      = http.StatusAccepted
	StatusAlreadyReported               = http.StatusAlreadyReported
	StatusBadGateway                    = http.StatusBadGateway
	StatusBadRequest                    = http.StatusBadRequest
	StatusConflict                      = http.StatusConflict
	StatusContinue                      = http.StatusContinue
	StatusCreated                       = http.StatusCreated
	StatusEarlyHints                    = http.StatusEarlyHints
	StatusExpectationFailed             = http.StatusExpectationFailed
	StatusFailedDependency              = http.StatusFailedDependency
	StatusForbidden                     = http.StatusForbidden
	StatusFound                         = http.StatusFound
	StatusGatewayTimeout                = http.StatusGatewayTimeout
	StatusGone                          = http.StatusGone
	StatusHTTPVersionNotSupported       = http.StatusHTTPVersionNotSupported
	StatusIMUsed                        = http.StatusIMUsed
	StatusInsufficientStorage           = http.StatusInsufficientStorage
	StatusInternalServerError           = http.StatusInternalServerError
	StatusLengthRequired                = http.StatusLengthRequired
	StatusLocked                        = http.StatusLocked
	StatusLoopDetected                  = http.StatusLoopDetected
	StatusMethodNotAllowed              = http.StatusMethodNotAllowed
	StatusMisdirectedRequest            = http.StatusMisdirectedRequest
	StatusMovedPermanently              = http.StatusMovedPermanently
	StatusMultiStatus                   = http.StatusMultiStatus
	StatusMultipleChoices               = http.StatusMultipleChoices
	StatusNetworkAuthenticationRequired = http.StatusNetworkAuthenticationRequired
	StatusNoContent                     = http.StatusNoContent
	StatusNonAuthoritativeInfo          = http.StatusNonAuthoritativeInfo
	StatusNotAcceptable                 = http.StatusNotAcceptable
	StatusNotExtended                   = http.StatusNotExtended
	StatusNotFound                      = http.StatusNotFound
	StatusNotImplemented                = http.StatusNotImplemented
	StatusNotModified                   = http.StatusNotModified
	StatusOK                            = http.StatusOK
	StatusPartialContent                = http.StatusPartialContent
	StatusPaymentRequired               = http.StatusPaymentRequired
	StatusPermanentRedirect             = http.StatusPermanentRedirect
	StatusPreconditionFailed            = http.StatusPreconditionFailed
	StatusPreconditionRequired          = http.StatusPreconditionRequired
	StatusProcessing                    = http.StatusProcessing
	StatusProxyAuthRequired             = http.StatusProxyAuthRequired
	StatusRequestEntityTooLarge         = http.StatusRequestEntityTooLarge
	StatusRequestHeaderFieldsTooLarge   = http.StatusRequestHeaderFieldsTooLarge
	StatusRequestTimeout                = http.StatusRequestTimeout
	StatusRequestURITooLong             = http.StatusRequestURITooLong
	StatusRequestedRangeNotSatisfiable  = http.StatusRequestedRangeNotSatisfiable
	StatusResetContent                  = http.StatusResetContent
	StatusSeeOther                      = http.StatusSeeOther
	StatusServiceUnavailable            = http.StatusServiceUnavailable
	StatusSwitchingProtocols            = http.StatusSwitchingProtocols
	StatusTeapot                        = http.StatusTeapot
	StatusTemporaryRedirect             = http.StatusTemporaryRedirect
	StatusTooEarly                      = http.StatusTooEarly
	StatusTooManyRequests               = http.StatusTooManyRequests
	StatusUnauthorized                  = http.StatusUnauthorized
	StatusUnavailableForLegalReasons    = http.StatusUnavailableForLegalReasons
	StatusUnprocessableEntity           = http.StatusUnprocessableEntity
	StatusUnsupportedMediaType          = http.StatusUnsupportedMediaType
	StatusUpgradeRequired               = http.StatusUpgradeRequired
	StatusUseProxy                      = http.StatusUseProxy
	StatusVariantAlsoNegotiates         = http.StatusVariantAlsoNegotiates
	TimeFormat                          = http.TimeFormat
	TrailerPrefix                       = http.TrailerPrefix
)

// AllowQuerySemicolons is net/http's AllowQuerySemicolons.
func AllowQuerySemicolons(h Handler) Handler {
	return http.AllowQuerySemicolons(h)
}

// CanonicalHeaderKey is net/http's CanonicalHeaderKey.
func CanonicalHeaderKey(s string) string {
	return http.CanonicalHeaderKey(s)
}

// DetectContentType is net/http's DetectContentType.
func DetectContentType(data []byte) string {
	return http.DetectContentType(data)
}

// Error is net/http's Error.
func Error(w ResponseWriter, error string, code int) {
	http.Error(w, error, code)
}

// FS is net/http's FS.
func FS(fsys fs.FS) FileSystem {
	return http.FS(fsys)
}

// FileServer is net/http's FileServer.
func FileServer(root FileSystem) Handler {
	return http.FileServer(root)
}

// FileServerFS is net/http's FileServerFS.
func FileServerFS(root fs.FS) Handler {
	return http.FileServerFS(root)
}

// Handle is net/http's Handle.
func Handle(pattern string, handler Handler) {
	http.Handle(pattern, handler)
}

// HandleFunc is net/http's HandleFunc.
func HandleFunc(pattern string, handler func(ResponseWriter, *Request)) {
	http.HandleFunc(pattern, handler)
}

// NewCrossOriginProtection is net/http's NewCrossOriginProtection.
func NewCrossOriginProtection() *CrossOriginProtection {
	return http.NewCrossOriginProtection()
}

// NewFileTransport is net/http's NewFileTransport.
func NewFileTransport(fs FileSystem) RoundTripper {
	return http.NewFileTransport(fs)
}

// NewFileTransportFS is net/http's NewFileTransportFS.
func NewFileTransportFS(fsys fs.FS) RoundTripper {
	return http.NewFileTransportFS(fsys)
}

// NewRequest is net/http's NewRequest.
func NewRequest(method string, url string, body io.Reader) (*Request, error) {
	return http.NewRequest(method, url, body)
}

// NewRequestWithContext is net/http's NewRequestWithContext.
func NewRequestWithContext(ctx context.Context, method string, url string, body io.Reader) (*Request, error) {
	return http.NewRequestWithContext(ctx, method, url, body)
}

// NewResponseController is net/http's NewResponseController.
func NewResponseController(rw ResponseWriter) *ResponseController {
	return http.NewResponseController(rw)
}

// NewServeMux is net/http's NewServeMux.
func NewServeMux() *ServeMux {
	return http.NewServeMux()
}

// NotFound is net/http's NotFound.
func NotFound(w ResponseWriter, r *Request) {
	http.NotFound(w, r)
}

// NotFoundHandler is net/http's NotFoundHandler.
func NotFoundHandler() Handler {
	return http.NotFoundHandler()
}

// ParseCookie is net/http's ParseCookie.
func ParseCookie(line string) ([]*Cookie, error) {
	return http.ParseCookie(line)
}

// ParseHTTPVersion is net/http's ParseHTTPVersion.
func ParseHTTPVersion(vers string) (int, int, bool) {
	return http.ParseHTTPVersion(vers)
}

// ParseSetCookie is net/http's ParseSetCookie.
func ParseSetCookie(line string) (*Cookie, error) {
	return http.ParseSetCookie(line)
}

// ParseTime is net/http's ParseTime.
func ParseTime(text string) (time.Time, error) {
	return http.ParseTime(text)
}

// ProxyFromEnvironment is net/http's ProxyFromEnvironment.
func ProxyFromEnvironment(req *Request) (*url.URL, error) {
	return http.ProxyFromEnvironment(req)
}

// ProxyURL is net/http's ProxyURL.
func ProxyURL(fixedURL *url.URL) func(*Request) (*url.URL, error) {
	return http.ProxyURL(fixedURL)
}

// ReadRequest is net/http's ReadRequest.
func ReadRequest(b *bufio.Reader) (*Request, error) {
	return http.ReadRequest(b)
}

// ReadResponse is net/http's ReadResponse.
func ReadResponse(r *bufio.Reader, req *Request) (*Response, error) {
	return http.ReadResponse(r, req)
}

// Redirect is net/http's Redirect.
func Redirect(w ResponseWriter, r *Request, url string, code int) {
	http.Redirect(w, r, url, code)
}

// RedirectHandler is net/http's RedirectHandler.
func RedirectHandler(url string, code int) Handler {
	return http.RedirectHandler(url, code)
}

// ServeContent is net/http's ServeContent.
func ServeContent(w ResponseWriter, req *Request, name string, modtime time.Time, content io.ReadSeeker) {
	http.ServeContent(w, req, name, modtime, content)
}

// ServeFile is net/http's ServeFile.
func ServeFile(w ResponseWriter, r *Request, name string) {
	http.ServeFile(w, r, name)
}

// ServeFileFS is net/http's ServeFileFS.
func ServeFileFS(w ResponseWriter, r *Request, fsys fs.FS, name string) {
	http.ServeFileFS(w, r, fsys, name)
}

// SetCookie is net/http's SetCookie.
func SetCookie(w ResponseWriter, cookie *Cookie) {
	http.SetCookie(w, cookie)
}

// StatusText is net/http's StatusText.
func StatusText(code int) string {
	return http.StatusText(code)
}

// StripPrefix is net/http's StripPrefix.
func StripPrefix(prefix string, h Handler) Handler {
	return http.StripPrefix(prefix, h)
}

// TimeoutHandler is net/http's TimeoutHandler.
func TimeoutHandler(h Handler, dt time.Duration, msg string) Handler {
	return http.TimeoutHandler(h, dt, msg)
}
