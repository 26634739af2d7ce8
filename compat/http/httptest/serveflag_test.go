package httptest_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/http/httptest"
)

// TestServeFlag runs this test binary with -httptest.serve, as a developer
// debugging a test would: the child's server listens on the address given,
// says so on stderr and serves until it is killed.
func TestServeFlag(t *testing.T) {
	if os.Getenv("EVSHIM_HTTPTEST_SERVE_CHILD") == "1" {
		httptest.NewServer(http.HandlerFunc(hello)) // blocks
		t.Fatal("NewServer returned under -httptest.serve")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeFlag$", "-httptest.serve=127.0.0.1:0")
	cmd.Env = append(os.Environ(), "EVSHIM_HTTPTEST_SERVE_CHILD=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	var url string
	within(t, "the child's announcement", func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "httptest: serving on "); ok {
				url = u
				break
			}
		}
		go io.Copy(io.Discard, stderr)
	})
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("child announced %q, want http://127.0.0.1:port", url)
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	if _, body := get(t, client, url+"/x"); body != "hello /x" {
		t.Errorf("GET %s/x: %q", url, body)
	}
}
