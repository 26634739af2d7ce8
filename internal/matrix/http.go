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
		"Handle", "HandleFunc", "NewCrossOriginProtection", "NewFileTransport",
		"NewFileTransportFS", "NewRequest", "NewRequestWithContext", "NewResponseController", "NewServeMux",
		"NotFound", "NotFoundHandler", "ParseCookie", "ParseHTTPVersion", "ParseSetCookie", "ParseTime",
		"ProxyFromEnvironment", "ProxyURL", "ReadRequest", "ReadResponse", "Redirect", "RedirectHandler",
		"ServeContent", "ServeFile", "ServeFileFS", "SetCookie", "StatusText", "StripPrefix", "TimeoutHandler")

	const engine = "every byte of a connection is evshim's: the loop accepts, reads every request head, and parks idle connections with no goroutine, after any request (a body included); a request without a body or with a plain Content-Length one, in origin form with CRLF line ends, is parsed by evshim into the Request net/http would build (FuzzParseHead), its body read with net/http's body semantics; any other request, and any malformed one, is parsed by net/http's public request parser (ReadRequest) from evshim's buffered reader over the connection, so it gets net/http's verdict and error answer (400, 431, 501, 505, then the connection closes) and net/http's body readers (Content-Length, chunked with trailers), with net/http's server rules (100-continue on the body's first Read, 417 for other expectations, an unread body read up to 256 KiB or the connection closed, CRLF after a POST ignored); whatever was read past a request goes back to the connection's buffer; a pooled goroutine runs each request and evshim's ResponseWriter answers it with net/http's bytes (cases http/writer and the differential suite TestHTTPDiff); only an h2c connection (the HTTP/2 preface as a connection's first bytes, when Protocols allows unencrypted HTTP/2) is handed to net/http's own connection code, one-way"
	const own = "evshim's own type with every field and method of net/http's Server: a *Server is not a *net/http.Server"
	serverCases := cs("http/raw", "http/writer", "http/states", "http/streaming", "http/hijack", "http/context-cancel", "http/close-notify", "http/conn-value", "http/panic", "http/timeouts")
	add(Cooperative, false, engine, own+"; ReadHeaderTimeout and IdleTimeout default to 10 s and 120 s when neither they nor ReadTimeout are set (net/http: none); fields are read when serving starts, but for Handler and ErrorLog, read at each use as net/http does; the ResponseWriter is evshim's (its dynamic type is not net/http's; after Hijack its Flush returns ErrHijacked, where net/http's panics); ResponseWriter.ReadFrom hands the body to compat/net's TCPConn.ReadFrom as net/http hands it to *net.TCPConn's, so ServeFile, ServeContent and io.Copy from a file send it with sendfile(2), and io.Copy from a TCP connection with splice(2), where net/http does (case http/serve-file)", append(serverCases, "http/serve-file", "http/serve-file-write-timeout"), "Server")
	add(Cooperative, false, engine, "", serverCases, "Server.Serve", "Serve")
	add(Cooperative, false, engine+"; the listener comes from compat/net", "", cs("http/listen-and-serve"), "Server.ListenAndServe", "ListenAndServe")
	shutdown := len(rows)
	add(Cooperative, false, "closes listeners, then, polling as net/http does, the idle connections (idle since a request, or new and silent for 5 s), until every connection has finished its request and closed; h2c connections are net/http's to drain", "", cs("http/shutdown"), "Server.Shutdown", "Server.RegisterOnShutdown")
	rows[shutdown].Tests = []string{"compat/http.TestShutdownWhileParking"}
	add(Cooperative, false, "closes listeners, parked and active connections", "", cs("http/close"), "Server.Close")
	add(Cooperative, false, "responses say Connection: close and their connections close after them; the idle connections are closed as net/http's closeIdleConns closes them (idle since a request, or new and silent for 5 s)", "", cs("http/keepalives-off"), "Server.SetKeepAlivesEnabled")
	add(Partial, false, "net/http's MaxBytesReader, evshim's code: past the limit it marks evshim's ResponseWriter as net/http's marks its own (Connection: close, then the connection closes)", "net/http's own MaxBytesReader, called directly, is recognized only as the request's Body itself (wrapped in another reader, passing its limit does not close the connection)", cs("http/raw"), "MaxBytesReader", "MaxBytesHandler")
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
