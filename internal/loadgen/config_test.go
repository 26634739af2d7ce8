package loadgen

import "testing"

// TestBuildRequest pins the bytes of the request, the generator's default
// header lines included: docs/loadgen.md and bench/loadgen-vs-wrk-ab.sh
// give wrk and ab the same lines, which is only fair while these are they.
func TestBuildRequest(t *testing.T) {
	const url = "http://127.0.0.1:8080/p?q=1"
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "keep-alive", cfg: Config{URL: url, KeepAlive: true},
			want: "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: evshim-bench\r\nAccept: */*\r\n\r\n"},
		{name: "close", cfg: Config{URL: url},
			want: "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: evshim-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n"},
		{name: "body", cfg: Config{URL: url, Method: "POST", Body: []byte("abc"), KeepAlive: true},
			want: "POST /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: evshim-bench\r\nAccept: */*\r\nContent-Length: 3\r\n\r\nabc"},
		{name: "replace", cfg: Config{URL: url, KeepAlive: true, Header: []string{"user-agent:  x/1 ", "Host: h", "X-A: b"}},
			want: "GET /p?q=1 HTTP/1.1\r\nAccept: */*\r\nuser-agent: x/1\r\nHost: h\r\nX-A: b\r\n\r\n"},
		// "Name:" removes a default line and is not sent itself: this is
		// wrk's request, byte for byte.
		{name: "bare", cfg: Config{URL: url, KeepAlive: true, Header: []string{"User-Agent:", "Accept: "}},
			want: "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
		{name: "remove-other", cfg: Config{URL: url, Header: []string{"Connection:", "X-Empty:"}},
			want: "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: evshim-bench\r\nAccept: */*\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			tgt, err := cfg.normalize()
			if err != nil {
				t.Fatalf("normalize: %v", err)
			}
			if got := string(buildRequest(&cfg, tgt)); got != tt.want {
				t.Errorf("request\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
