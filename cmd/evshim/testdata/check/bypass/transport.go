package bypass

import "github.com/evshim/evshim/compat/http"

// Transport has no dial function: it dials with the standard library.
var Transport = &http.Transport{MaxIdleConns: 10}
