package shimtest

import (
	"io"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"
)

var _ = register(Case{Name: "http/writer", Run: runHTTPWriter})

// writerHandler does, per path, one of the things a handler can do with
// its ResponseWriter; every answer depends on how the server finalizes
// headers, buffers, chunks and closes.
var writerHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	switch r.URL.Path {
	case "/plain":
		io.WriteString(w, "hello")
	case "/typed":
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-B", "2")
		h.Add("X-A", "1")
		io.WriteString(w, "typed")
	case "/empty":
	case "/big":
		io.WriteString(w, strings.Repeat("z", 5000))
	case "/flush":
		io.WriteString(w, "a")
		w.(http.Flusher).Flush()
		io.WriteString(w, "b")
	case "/controller":
		rc := http.NewResponseController(w)
		rc.SetWriteDeadline(time.Now().Add(time.Minute))
		rc.SetReadDeadline(time.Time{})
		io.WriteString(w, "c")
		rc.Flush()
	case "/length":
		h.Set("Content-Length", "5")
		io.WriteString(w, "hello")
	case "/length-over":
		h.Set("Content-Length", "2")
		_, err := io.WriteString(w, "abc")
		h.Set("X-Err", errText(err))
	case "/length-bad":
		h.Set("Content-Length", "nope")
		io.WriteString(w, "x")
	case "/no-content":
		w.WriteHeader(http.StatusNoContent)
		_, err := io.WriteString(w, "x")
		_ = err
	case "/not-modified":
		h.Set("Content-Type", "text/html")
		h.Set("Content-Length", "3")
		w.WriteHeader(http.StatusNotModified)
	case "/early-hints":
		h.Set("Link", "</s.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "after hints")
	case "/trailer":
		h.Set("Trailer", "X-T, Content-Length")
		io.WriteString(w, "body")
		h.Set("X-T", "v")
	case "/trailer-prefix":
		io.WriteString(w, "x")
		h.Set(http.TrailerPrefix+"X-Late", "1")
	case "/identity":
		h.Set("Transfer-Encoding", "identity")
		io.WriteString(w, "stream")
	case "/chunked-set":
		h.Set("Transfer-Encoding", "chunked")
		io.WriteString(w, "c")
	case "/te-and-length":
		h.Set("Transfer-Encoding", "gzip")
		h.Set("Content-Length", "3")
		io.WriteString(w, "abc")
	case "/close":
		h.Set("Connection", "close")
		io.WriteString(w, "bye")
	case "/twice":
		w.WriteHeader(http.StatusCreated)
		w.WriteHeader(http.StatusAccepted)
	case "/odd-status":
		w.WriteHeader(299)
	case "/header-after":
		w.WriteHeader(http.StatusOK)
		h.Set("X-After", "1")
		io.WriteString(w, "x")
	case "/encoded":
		h.Set("Content-Encoding", "gzip")
		io.WriteString(w, "\x1f\x8b\x08")
	case "/date":
		h.Set("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
		io.WriteString(w, "d")
	case "/readfrom":
		// A reader without WriteTo, so io.Copy takes the writer's ReadFrom.
		io.Copy(w, struct{ io.Reader }{strings.NewReader(strings.Repeat("r", 700))})
	case "/readfrom-short":
		io.Copy(w, struct{ io.Reader }{strings.NewReader("short")})
	case "/switch":
		h.Set("Connection", "Upgrade")
		h.Set("Upgrade", "x")
		w.WriteHeader(http.StatusSwitchingProtocols)
	}
})

func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// writerRequests go to both servers; each set ends in a request that
// closes the connection.
var writerRequests = []string{
	"GET /plain HTTP/1.1\r\nHost: x\r\n\r\nHEAD /plain HTTP/1.1\r\nHost: x\r\n\r\nGET /typed HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\nHEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /flush HTTP/1.1\r\nHost: x\r\n\r\nGET /controller HTTP/1.1\r\nHost: x\r\n\r\nHEAD /big HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /length HTTP/1.1\r\nHost: x\r\n\r\nGET /length-over HTTP/1.1\r\nHost: x\r\n\r\nGET /length-bad HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /no-content HTTP/1.1\r\nHost: x\r\n\r\nGET /not-modified HTTP/1.1\r\nHost: x\r\n\r\nGET /early-hints HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /trailer HTTP/1.1\r\nHost: x\r\n\r\nGET /trailer-prefix HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked-set HTTP/1.1\r\nHost: x\r\n\r\nGET /te-and-length HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /identity HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /close HTTP/1.1\r\nHost: x\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /twice HTTP/1.1\r\nHost: x\r\n\r\nGET /odd-status HTTP/1.1\r\nHost: x\r\n\r\nGET /header-after HTTP/1.1\r\nHost: x\r\n\r\nGET /encoded HTTP/1.1\r\nHost: x\r\n\r\nGET /date HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /readfrom HTTP/1.1\r\nHost: x\r\n\r\nGET /readfrom-short HTTP/1.1\r\nHost: x\r\n\r\n" + endReq,
	"GET /switch HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /plain HTTP/1.0\r\n\r\n",
	"GET /plain HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /length HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /big HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	"HEAD /empty HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + endReq,
}

func runHTTPWriter(t *testing.T, impl Impl) any {
	var logBuf syncBuffer
	addr, _, _ := startHTTP(t, impl, ServerOptions{Handler: writerHandler, ErrorLog: log.New(&logBuf, "", 0),
		ReadHeaderTimeout: settle(2 * time.Second), IdleTimeout: settle(5 * time.Second)})
	var obs []string
	for _, raw := range writerRequests {
		obs = append(obs, exchangeHalf(t, addr, raw, strings.HasSuffix(raw, "\r\n\r\n") && !strings.HasSuffix(raw, endReq)))
	}
	return append(obs, "log:\n"+logBuf.String())
}
