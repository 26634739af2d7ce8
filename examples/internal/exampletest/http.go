package exampletest

import (
	"io"
	"net/http"
	"testing"
)

// client is a plain net/http client, as any client of the examples would
// use. Keep-alives are off so that no idle connection outlives a test.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// Get fetches url and returns the response's status code and body. It
// fails the test if the request fails.
func Get(t testing.TB, url string) (status int, body string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}
