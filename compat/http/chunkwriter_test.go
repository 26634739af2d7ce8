package http

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

// TestWriteSubset holds writeSubset to http.Header.WriteSubset.
func TestWriteSubset(t *testing.T) {
	headers := []http.Header{
		nil,
		{},
		{"Content-Type": {"text/plain; charset=utf-8"}},
		{"Content-Type": {"  \t padded \t "}},
		{"X-A": {"1", "2", ""}},
		{"X-A": {}},
		{"X-A": nil},
		{"X-A": {"line\r\nbreak"}},
		{"X-A": {"bare\nlf"}},
		{"X-A": {"ok", "cr\rin the second"}},
		{"Bad Key": {"v"}},
		{"Bad\r\nKey": {"v"}},
		{"Excluded": {"v"}},
		{"X-A": {"1"}, "X-B": {"2"}},
	}
	exclude := map[string]bool{"Excluded": true}
	for _, h := range headers {
		for _, ex := range []map[string]bool{nil, exclude} {
			var got, want bytes.Buffer
			gw := bufio.NewWriter(&got)
			writeSubset(gw, h, ex)
			gw.Flush()
			if err := h.WriteSubset(&want, ex); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("writeSubset(%q, %v) = %q, WriteSubset: %q", h, ex, got.String(), want.String())
			}
		}
	}
}
