package shimtest

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

var _ = register(Case{Name: "http/close-notify", Run: runHTTPCloseNotify})

// closeNotifySeen is what a handler saw of CloseNotify in one
// http/close-notify request.
type closeNotifySeen struct {
	Early    bool   // the channel had a value before the client went away, or, with an unread body, before the body was read
	Notified bool   // the value the channel gave (false: none within the wait)
	CtxDone  bool   // the request context was done once the channel gave its value
	BodyErr  string // the error of reading the body, for the requests that have one
}

// runHTTPCloseNotify checks CloseNotify, which middleware that wraps
// ResponseWriters (prometheus's promhttp, for one) keeps available: the
// channel gives true when the client goes away during a request, whether
// CloseNotify was called before or after; while a request body is unread
// the server reads nothing more from the connection, so a client that goes
// away is noticed only once the handler reads the body and hits the end.
func runHTTPCloseNotify(t *testing.T, impl Impl) any {
	type step struct{ started, gone chan struct{} }
	steps := make(chan step, 1)
	seen := make(chan closeNotifySeen, 1)
	wait := func(ch <-chan bool) bool {
		select {
		case v := <-ch:
			return v
		case <-time.After(settle(10 * time.Second)):
			return false
		}
	}
	early := func(ch <-chan bool) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := <-steps
		var got closeNotifySeen
		switch r.URL.Path {
		case "/before": // CloseNotify before the client goes away
			ch := w.(http.CloseNotifier).CloseNotify()
			close(s.started)
			<-s.gone
			got.Notified = wait(ch)
		case "/after": // CloseNotify only once the request context says the client is gone
			close(s.started)
			<-s.gone
			select {
			case <-r.Context().Done():
			case <-time.After(settle(10 * time.Second)):
			}
			got.Notified = wait(w.(http.CloseNotifier).CloseNotify())
		case "/body": // a body left unread when the client goes away
			ch := w.(http.CloseNotifier).CloseNotify()
			close(s.started)
			<-s.gone
			time.Sleep(settle(100 * time.Millisecond))
			got.Early = early(ch)
			_, err := io.ReadAll(r.Body)
			got.BodyErr = errString(err)
			got.Notified = wait(ch)
		}
		got.CtxDone = r.Context().Err() != nil
		seen <- got
	})})
	var out []closeNotifySeen
	for _, req := range []string{
		"GET /before HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /after HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello",
	} {
		s := step{started: make(chan struct{}), gone: make(chan struct{})}
		steps <- s
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, req)
		<-s.started
		c.Close() // the client goes away
		close(s.gone)
		got := <-seen
		if !got.Notified || !got.CtxDone || got.Early {
			t.Errorf("%.20q: %+v, want notified with the context done, and not before the body was read", req, got)
		}
		out = append(out, got)
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
