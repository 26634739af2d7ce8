package matrix

// Rows for the standard library's net/http package (compat/http).
var _ = register(httpRows)

func httpRows() []Row {
	var rows []Row
	add := func(status Status, noIO bool, reason, deviation string, cases []string, names ...string) {
		for _, n := range names {
			rows = append(rows, Row{Pkg: "net/http", Name: n, Status: status, NoIO: noIO, Reason: reason, Deviation: deviation, Cases: cases})
		}
	}
	cs := func(names ...string) []string { return names }

	add(Delegated, false, "type alias of net/http's type: handlers, middleware, httptest and third-party code take these values unchanged", "", nil,
		"ClientConn", "CloseNotifier", "ConnState", "Cookie", "CookieJar", "CrossOriginProtection", "Dir", "File",
		"FileSystem", "Flusher", "HTTP2Config", "Handler", "HandlerFunc", "Header", "Hijacker", "MaxBytesError",
		"ProtocolError", "Protocols", "PushOptions", "Pusher", "Request", "Response", "ResponseController",
		"ResponseWriter", "RoundTripper", "SameSite", "ServeMux")
	add(Delegated, false, "type alias of net/http's type", "a Client with no Transport uses net/http's DefaultTransport and dials with the standard library; use this package's DefaultClient, or set Transport to this package's DefaultTransport", cs("http/client"), "Client")
	add(Delegated, false, "type alias of net/http's type, so DefaultTransport.(*http.Transport).Clone() works", "a Transport built by hand without DialContext dials with the standard library; this package's DefaultTransport dials through compat/net", cs("http/client"), "Transport")
	add(Delegated, false, "net/http's own value: sentinels compare equal, context keys find the same values, DefaultServeMux is the mux net/http's Handle registers on", "", nil,
		"DefaultServeMux", "ErrAbortHandler", "ErrBodyNotAllowed", "ErrBodyReadAfterClose", "ErrContentLength",
		"ErrHandlerTimeout", "ErrHeaderTooLong", "ErrHijacked", "ErrLineTooLong", "ErrMissingBoundary",
		"ErrMissingContentLength", "ErrMissingFile", "ErrNoCookie", "ErrNoLocation", "ErrNotMultipart",
		"ErrNotSupported", "ErrSchemeMismatch", "ErrServerClosed", "ErrShortBody", "ErrSkipAltProtocol",
		"ErrUnexpectedTrailer", "ErrUseLastResponse", "ErrWriteAfterFlush", "LocalAddrContextKey", "NoBody")
	add(Delegated, false, "net/http's own context key", "the value stored under it is this package's *Server, not a *net/http.Server", cs("http/server-context"), "ServerContextKey")
	add(Delegated, false, "net/http's own constant", "", nil,
		"DefaultMaxHeaderBytes", "DefaultMaxIdleConnsPerHost", "TimeFormat", "TrailerPrefix",
		"MethodConnect", "MethodDelete", "MethodGet", "MethodHead", "MethodOptions", "MethodPatch", "MethodPost", "MethodPut", "MethodTrace",
		"SameSiteDefaultMode", "SameSiteLaxMode", "SameSiteNoneMode", "SameSiteStrictMode",
		"StateActive", "StateClosed", "StateHijacked", "StateIdle", "StateNew")
	rows = append(rows, statusRows()...)
	add(Delegated, true, "handler, constructor or parser without network I/O of its own: it works on the values it is given", "", nil,
		"AllowQuerySemicolons", "CanonicalHeaderKey", "DetectContentType", "Error", "FS", "FileServer", "FileServerFS",
		"Handle", "HandleFunc", "MaxBytesHandler", "MaxBytesReader", "NewCrossOriginProtection", "NewFileTransport",
		"NewFileTransportFS", "NewRequest", "NewRequestWithContext", "NewResponseController", "NewServeMux",
		"NotFound", "NotFoundHandler", "ParseCookie", "ParseHTTPVersion", "ParseSetCookie", "ParseTime",
		"ProxyFromEnvironment", "ProxyURL", "ReadRequest", "ReadResponse", "Redirect", "RedirectHandler",
		"ServeContent", "ServeFile", "ServeFileFS", "SetCookie", "StatusText", "StripPrefix", "TimeoutHandler")

	const engine = "the loop accepts and reads every request head and parses it (heads pipelined behind a request are parsed by the goroutine serving it); idle connections are parked on the loop with no goroutine; a request without a body (no Content-Length or Transfer-Encoding, no Expect or Upgrade, not CONNECT or OPTIONS *), with a path as its target and CRLF line ends, is parsed by evshim into the Request net/http would build (FuzzParseHead), runs on a pooled goroutine and is answered by evshim's ResponseWriter, whose bytes are net/http's (case http/writer); any other request (an absolute URL, folded header lines), and any malformed one, is served by net/http's own connection code, which keeps the connection for a short grace (2 ms, up to 100 ms when its requests come quickly) before it parks again"
	const own = "evshim's own type with every field and method of net/http's Server: a *Server is not a *net/http.Server"
	serverCases := cs("http/raw", "http/writer", "http/states", "http/streaming", "http/hijack", "http/context-cancel", "http/panic", "http/timeouts")
	add(Cooperative, false, engine, own+"; ReadHeaderTimeout and IdleTimeout default to 10 s and 120 s when neither they nor ReadTimeout are set (net/http: none); fields are read when serving starts; the ResponseWriter of a request without a body is evshim's (its dynamic type is not net/http's; after Hijack its Flush returns ErrHijacked, where net/http's panics)", serverCases, "Server")
	add(Cooperative, false, engine, "", serverCases, "Server.Serve", "Serve")
	add(Cooperative, false, engine+"; the listener comes from compat/net", "", cs("http/listen-and-serve"), "Server.ListenAndServe", "ListenAndServe")
	shutdown := len(rows)
	add(Cooperative, false, "closes listeners and the connections parked on the loop, lets net/http drain the requests it serves and waits for the loop's own in-flight requests, closing each connection when its response is done", "", cs("http/shutdown"), "Server.Shutdown", "Server.RegisterOnShutdown")
	rows[shutdown].Tests = []string{"compat/http.TestShutdownWhileParkingAndHandingOver"}
	add(Cooperative, false, "closes listeners, parked and active connections", "", cs("http/close"), "Server.Close")
	add(Cooperative, false, "net/http stops keep-alives; connections parked on the loop are closed", "", cs("http/keepalives-off"), "Server.SetKeepAlivesEnabled")
	add(Partial, false, "net/http's TLS server (HTTP/1.1 and HTTP/2 by ALPN) over compat/net connections: their I/O parks on the loop", "a goroutine per TLS connection, as in net/http; the idle-connection parking applies to plain HTTP only", cs("http/tls"),
		"Server.ServeTLS", "Server.ListenAndServeTLS", "ServeTLS", "ListenAndServeTLS")
	add(Cooperative, false, "net/http's client over a Transport that dials through compat/net: the connections' I/O runs on the loop", "", cs("http/client"),
		"DefaultClient", "DefaultTransport", "Get", "Head", "Post", "PostForm")
	return rows
}

// statusRows lists the Status* constants.
func statusRows() []Row {
	names := []string{"StatusAccepted", "StatusAlreadyReported", "StatusBadGateway", "StatusBadRequest", "StatusConflict",
		"StatusContinue", "StatusCreated", "StatusEarlyHints", "StatusExpectationFailed", "StatusFailedDependency",
		"StatusForbidden", "StatusFound", "StatusGatewayTimeout", "StatusGone", "StatusHTTPVersionNotSupported",
		"StatusIMUsed", "StatusInsufficientStorage", "StatusInternalServerError", "StatusLengthRequired", "StatusLocked",
		"StatusLoopDetected", "StatusMethodNotAllowed", "StatusMisdirectedRequest", "StatusMovedPermanently",
		"StatusMultiStatus", "StatusMultipleChoices", "StatusNetworkAuthenticationRequired", "StatusNoContent",
		"StatusNonAuthoritativeInfo", "StatusNotAcceptable", "StatusNotExtended", "StatusNotFound", "StatusNotImplemented",
		"StatusNotModified", "StatusOK", "StatusPartialContent", "StatusPaymentRequired", "StatusPermanentRedirect",
		"StatusPreconditionFailed", "StatusPreconditionRequired", "StatusProcessing", "StatusProxyAuthRequired",
		"StatusRequestEntityTooLarge", "StatusRequestHeaderFieldsTooLarge", "StatusRequestTimeout", "StatusRequestURITooLong",
		"StatusRequestedRangeNotSatisfiable", "StatusResetContent", "StatusSeeOther", "StatusServiceUnavailable",
		"StatusSwitchingProtocols", "StatusTeapot", "StatusTemporaryRedirect", "StatusTooEarly", "StatusTooManyRequests",
		"StatusUnauthorized", "StatusUnavailableForLegalReasons", "StatusUnprocessableEntity", "StatusUnsupportedMediaType",
		"StatusUpgradeRequired", "StatusUseProxy", "StatusVariantAlsoNegotiates"}
	rows := make([]Row, 0, len(names))
	for _, n := range names {
		rows = append(rows, Row{Pkg: "net/http", Name: n, Status: Delegated, Reason: "net/http's own constant"})
	}
	return rows
}
