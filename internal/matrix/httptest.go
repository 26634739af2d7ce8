package matrix

// Rows for the standard library's net/http/httptest package
// (compat/http/httptest).
var _ = register(httptestRows)

func httptestRows() []Row {
	const dir = "compat/http/httptest."
	tests := func(names ...string) []string {
		for i, n := range names {
			names[i] = dir + n
		}
		return names
	}
	const served = "the listener is compat/net's (127.0.0.1:0, or the -httptest.serve address) and Config is a compat/http *Server, so requests are served on the loop and a handler finds that *Server under ServerContextKey"
	const tlsPath = "TLS is served by compat/http's TLS path: net/http's TLS server over compat/net connections"
	const tlsCert = "the certificate is generated once per process (ECDSA P-256, for 127.0.0.1, ::1, example.com and *.example.com, 1970 to 2084), not net/http/httptest's embedded RSA one, which lives in an internal package"
	return []Row{
		{Pkg: "net/http/httptest", Name: "DefaultRemoteAddr", Status: Delegated, Reason: "net/http/httptest's own constant"},
		{Pkg: "net/http/httptest", Name: "ResponseRecorder", Status: Delegated, Reason: "type alias of net/http/httptest's type: it does no I/O, and recorders pass between code that imports either package"},
		{Pkg: "net/http/httptest", Name: "NewRecorder", Status: Delegated, NoIO: true, Reason: "net/http/httptest's constructor: no I/O", Tests: tests("TestRecorderIsStdlib")},
		{Pkg: "net/http/httptest", Name: "NewRequest", Status: Delegated, NoIO: true, Reason: "net/http/httptest's function: it builds a server Request without I/O", Tests: tests("TestRecorderIsStdlib")},
		{Pkg: "net/http/httptest", Name: "NewRequestWithContext", Status: Delegated, NoIO: true, Reason: "net/http/httptest's function: it builds a server Request without I/O"},
		{
			Pkg: "net/http/httptest", Name: "Server", Status: Cooperative,
			Reason:    "evshim's own type with every field and method of net/http/httptest's Server; " + served,
			Deviation: "Config is a *compat/http.Server, not a *net/http.Server; Close also closes Config once its connections are gone, ending compat/http's handler goroutines",
			Tests:     tests("TestServe", "TestServerContextKey", "TestServedOnLoop"),
		},
		{Pkg: "net/http/httptest", Name: "NewServer", Status: Cooperative, Reason: served, Tests: tests("TestServe", "TestServedOnLoop")},
		{Pkg: "net/http/httptest", Name: "NewUnstartedServer", Status: Cooperative, Reason: served + "; the fields may be changed before Start or StartTLS", Tests: tests("TestServe", "TestCloseClosesIdle")},
		{Pkg: "net/http/httptest", Name: "Server.Start", Status: Cooperative, Reason: served + "; with -httptest.serve it announces the URL on stderr and blocks, as net/http/httptest does", Tests: tests("TestServe", "TestStartTwicePanics", "TestServeFlag")},
		{Pkg: "net/http/httptest", Name: "NewTLSServer", Status: Partial, Reason: tlsPath, Deviation: "a goroutine per TLS connection, as with net/http; " + tlsCert, Tests: tests("TestTLS", "TestServerContextKey")},
		{Pkg: "net/http/httptest", Name: "Server.StartTLS", Status: Partial, Reason: tlsPath + "; TLS is copied from the caller's config, and EnableHTTP2 offers h2 by ALPN", Deviation: "a goroutine per TLS connection, as with net/http; " + tlsCert, Tests: tests("TestTLS", "TestTLSConfigCopied", "TestEnableHTTP2")},
		{Pkg: "net/http/httptest", Name: "Server.Certificate", Status: Partial, Reason: "returns the certificate StartTLS serves, nil before", Deviation: tlsCert, Tests: tests("TestTLS", "TestServe")},
		{Pkg: "net/http/httptest", Name: "Server.Client", Status: Cooperative, Reason: "a Client whose transport dials through compat/net, trusts the server's certificate and sends example.com and its subdomains to the server", Tests: tests("TestServedOnLoop", "TestExampleComGoesToServer", "TestTLS")},
		{
			Pkg: "net/http/httptest", Name: "Server.Close", Status: Cooperative,
			Reason: "closes the listener and the idle and new connections, waits for outstanding requests (a hijacked connection is the handler's), and closes the idle connections of net/http's and compat/http's DefaultTransport and of Client",
			Tests:  tests("TestCloseWaitsForRequest", "TestCloseClosesIdle", "TestHijack", "TestCloseLeavesNoGoroutine"),
		},
		{Pkg: "net/http/httptest", Name: "Server.CloseClientConnections", Status: Cooperative, Reason: "closes every open connection to the server, waiting up to 5 s for the closes as net/http/httptest does", Tests: tests("TestCloseClientConnections")},
	}
}
