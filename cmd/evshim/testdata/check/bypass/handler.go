package bypass

import "github.com/evshim/evshim/compat/http"

// Handler panics when a net/http server, such as net/http/httptest's,
// serves it.
func Handler(w http.ResponseWriter, r *http.Request) {
	srv := r.Context().Value(http.ServerContextKey).(*http.Server)
	w.Header().Set("X-Addr", srv.Addr)
}
