package httptest_test

import (
	"fmt"
	"io"
	"log"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/http/httptest"
)

func ExampleNewServer() {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, isCompat := r.Context().Value(http.ServerContextKey).(*http.Server)
		fmt.Fprintf(w, "Hello, client (compat server: %v)", isCompat)
	}))
	defer ts.Close()

	res, err := ts.Client().Get(ts.URL)
	if err != nil {
		log.Fatal(err)
	}
	greeting, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", greeting)
	// Output: Hello, client (compat server: true)
}
