package server_test

import (
	"net/http/httptest"
	"testing"

	"example.com/clean/server"
)

// The recorder is the standard library's in compat too: no finding.
func TestHandler(t *testing.T) {
	w := httptest.NewRecorder()
	server.Handler(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
}
