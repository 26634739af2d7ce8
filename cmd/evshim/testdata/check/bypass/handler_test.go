package bypass

import (
	"net/http/httptest"
	"testing"

	"github.com/evshim/evshim/compat/http"
)

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(Handler))
	defer srv.Close()
}
