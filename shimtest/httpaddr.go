package shimtest

import (
	"net/http"

	chttp "github.com/evshim/evshim/compat/http"
)

// setAddr sets the Addr field of either implementation's Server.
func setAddr(s HTTPServer, addr string) {
	switch s := s.(type) {
	case *http.Server:
		s.Addr = addr
	case *chttp.Server:
		s.Addr = addr
	}
}
