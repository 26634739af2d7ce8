package loadgen

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config describes a load run. The zero value of each field means its
// default, as for ab.
type Config struct {
	// URL is the target, "http://host[:port]/path?query". https is not
	// supported.
	URL string
	// Method is the request method; "" means GET.
	Method string
	// Header holds extra request header lines, "Name: value", in order. A
	// Host, User-Agent, Accept, Content-Length or Connection line replaces
	// the generator's own. A line with an empty value ("Name:") is not
	// sent, and removes the generator's own line of that name (curl's
	// rule), so that the request can be made as bare as wrk's.
	Header []string
	// Body is sent with every request, with a Content-Length.
	Body []byte

	// Requests is the number of requests to make (ab -n). Zero means one,
	// or no limit when Duration is set. Failed requests count too.
	Requests int
	// Concurrency is the number of connections making requests at the
	// same time (ab -c). Zero means one. Without Duration it may not exceed
	// Requests.
	Concurrency int
	// KeepAlive reuses each connection for as long as the server allows
	// (ab -k). Without it every request dials a new connection, sends
	// "Connection: close" and closes the connection after the response.
	KeepAlive bool
	// ContinueOnError keeps the run going after a failed request (ab -r).
	// Without it the first error other than BadStatus ends the run.
	ContinueOnError bool
	// Duration, if positive, ends the run after that long (ab -t);
	// requests in flight then are abandoned and not counted.
	Duration time.Duration
	// Timeout bounds each request, the dial included (ab -s). Zero means
	// 30 seconds.
	Timeout time.Duration
	// Sources is how many loopback source addresses (127.0.0.2 onwards) a
	// loopback target is dialed from, at most Concurrency. Zero means 16; a
	// negative value dials from the kernel's choice of address only.
	Sources int

	// Engine is how the connections are driven: EngineEpoll (Linux only,
	// the default there) or EngineGoroutine (the default elsewhere). ""
	// means the default.
	Engine string
	// Threads is the number of OS threads of the epoll engine, each with
	// its own epoll instance and its share of the connections (wrk -t).
	// Zero means GOMAXPROCS, which is also the most (set GOMAXPROCS to run
	// more); never more than Concurrency. The goroutine engine ignores it.
	Threads int
}

const (
	defaultTimeout = 30 * time.Second
	defaultSources = 16
)

// target is a parsed Config.URL.
type target struct {
	host     string // host name or address, without brackets or port
	port     string
	hostport string // as written in the URL, for the Host header
	uri      string // request-target: path and query
}

// A ConfigError reports a Config field that [New] rejects. Field names the
// field, so that a command can name its own flag for it instead.
type ConfigError struct {
	Field  string // "URL", "Method", "Header", "Requests", "Concurrency", "Duration", "Timeout", "Sources", "Engine" or "Threads"
	Value  string // the rejected value as text, quoted where it is a string
	Reason string // what is wrong with it
}

func (e *ConfigError) Error() string {
	return "loadgen: Config." + e.Field + " " + e.Value + ": " + e.Reason
}

// normalize checks cfg and fills in its defaults. Every error it returns
// is a *ConfigError.
func (cfg *Config) normalize() (target, error) {
	var t target
	bad := func(field, value, reason string) (target, error) {
		return t, &ConfigError{Field: field, Value: value, Reason: reason}
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL itself is in Value
		}
		return bad("URL", strconv.Quote(cfg.URL), err.Error())
	}
	if u.Scheme != "http" {
		return bad("URL", strconv.Quote(cfg.URL), "only http:// is supported")
	}
	if u.Hostname() == "" {
		return bad("URL", strconv.Quote(cfg.URL), "no host")
	}
	t.host, t.port, t.hostport, t.uri = u.Hostname(), u.Port(), u.Host, u.RequestURI()
	if t.port == "" {
		t.port = "80"
	}
	if _, err := strconv.ParseUint(t.port, 10, 16); err != nil {
		return bad("URL", strconv.Quote(cfg.URL), "bad port")
	}
	if cfg.Method == "" {
		cfg.Method = "GET"
	}
	if strings.ContainsAny(cfg.Method, " \t\r\n") {
		return bad("Method", strconv.Quote(cfg.Method), "a method has no white space")
	}
	for _, h := range cfg.Header {
		name, _, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(h, "\r\n") || strings.ContainsAny(name, " \t") {
			return bad("Header", strconv.Quote(h), `want "Name: value"`)
		}
	}
	switch {
	case cfg.Requests < 0:
		return bad("Requests", itoa(cfg.Requests), "must not be negative")
	case cfg.Concurrency < 0:
		return bad("Concurrency", itoa(cfg.Concurrency), "must not be negative")
	case cfg.Duration < 0:
		return bad("Duration", cfg.Duration.String(), "must not be negative")
	case cfg.Timeout < 0:
		return bad("Timeout", cfg.Timeout.String(), "must not be negative")
	case cfg.Threads < 0:
		return bad("Threads", itoa(cfg.Threads), "must not be negative")
	case cfg.Requests == 0 && cfg.Duration == 0:
		cfg.Requests = 1
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
	}
	if cfg.Duration == 0 && cfg.Concurrency > cfg.Requests {
		return bad("Concurrency", itoa(cfg.Concurrency), "more connections than the "+itoa(cfg.Requests)+" requests to make")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Sources == 0 {
		cfg.Sources = defaultSources
	}
	switch cfg.Engine {
	case "":
		cfg.Engine = defaultEngine
	case EngineGoroutine:
	case EngineEpoll:
		if epollEngine == nil {
			return bad("Engine", strconv.Quote(cfg.Engine), "the epoll engine is Linux-only; use "+strconv.Quote(EngineGoroutine))
		}
	default:
		return bad("Engine", strconv.Quote(cfg.Engine), "want "+strings.Join(Engines(), " or "))
	}
	return t, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// buildRequest returns the bytes written for every request: the request
// line, then Host, User-Agent: evshim-bench and Accept: */* (the lines ab
// and curl send; a server's cost per request grows with its header lines,
// so a comparison with another tool needs it to send the same ones),
// Content-Length when there is a body or the method expects one,
// Connection: close without keep-alive, then cfg.Header in order.
func buildRequest(cfg *Config, t target) []byte {
	var b strings.Builder
	has := func(name string) bool {
		for _, h := range cfg.Header {
			n, _, _ := strings.Cut(h, ":")
			if strings.EqualFold(strings.TrimSpace(n), name) {
				return true
			}
		}
		return false
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", cfg.Method, t.uri)
	if !has("Host") {
		fmt.Fprintf(&b, "Host: %s\r\n", t.hostport)
	}
	if !has("User-Agent") {
		b.WriteString("User-Agent: evshim-bench\r\n")
	}
	if !has("Accept") {
		b.WriteString("Accept: */*\r\n")
	}
	if !has("Content-Length") && (len(cfg.Body) > 0 || cfg.Method == "POST" || cfg.Method == "PUT" || cfg.Method == "PATCH") {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(cfg.Body))
	}
	if !cfg.KeepAlive && !has("Connection") {
		b.WriteString("Connection: close\r\n")
	}
	for _, h := range cfg.Header {
		name, value, _ := strings.Cut(h, ":")
		if value = strings.TrimSpace(value); value == "" {
			continue // "Name:" removes the line (has above)
		}
		fmt.Fprintf(&b, "%s: %s\r\n", strings.TrimSpace(name), value)
	}
	b.WriteString("\r\n")
	b.Write(cfg.Body)
	return []byte(b.String())
}
