package overlay

import "sort"

// stdConnectors lists the standard library packages that open connections,
// listen or serve by themselves, with what of theirs stays off the loop
// once the packages that import them are patched. Patching reaches only
// code outside the standard library: these packages keep calling the
// standard library's net and net/http. The list is by reading each
// package's API (go1.26); a package that imports net only for its types
// (crypto/x509, net/mail) makes no connection and is not listed.
var stdConnectors = map[string]string{
	"crypto/tls":        "tls.Dial, tls.DialWithDialer, tls.Listen and Dialer.Dial make standard library connections; tls.Client and tls.Server over a compat connection stay on the loop",
	"log/syslog":        "syslog.Dial and syslog.New connect with the standard library",
	"net/http/httptest": "Server listens and serves with the standard library (no compat httptest in the build)",
	"net/http/httputil": "a ReverseProxy with no Transport uses net/http's DefaultTransport; DumpRequestOut too",
	"net/rpc":           "rpc.Dial, rpc.DialHTTP and rpc.HandleHTTP use the standard library; rpc.NewClient and ServeConn over a compat connection stay on the loop",
	"net/rpc/jsonrpc":   "jsonrpc.Dial dials with the standard library",
	"net/smtp":          "smtp.Dial and smtp.SendMail dial with the standard library",
	"net/textproto":     "textproto.Dial dials with the standard library",
	"net/http/fcgi":     "fcgi.Serve(nil, h) listens on standard input with the standard library's net.FileListener",
}

// An OffLoop is a standard library package in the build that connects,
// listens or serves by itself: patching does not reach inside it.
type OffLoop struct {
	Pkg  string   `json:"pkg"`
	What string   `json:"what"`
	Via  []string `json:"via"` // the packages outside the standard library that import it, directly or through other standard library packages
}

// offLoop returns the standard library connectors that packages outside
// the standard library reach, through imports that stay after patching.
// std maps each standard library package to its imports; user lists the
// packages outside the standard library and evshim, each with the imports
// it keeps once patched.
// Swapped packages are not entered: what net/http itself imports is
// evshim's business (compat/http delegates to it on purpose), and a user
// package that keeps importing one is reported as left alone instead.
func offLoop(std map[string][]string, user map[string][]string, swapped map[string]bool) []OffLoop {
	via := map[string]map[string]bool{}
	for u, imps := range user {
		seen := map[string]bool{}
		stack := append([]string(nil), imps...)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			deps, isStd := std[p]
			if !isStd || seen[p] || swapped[p] {
				continue
			}
			seen[p] = true
			if what := stdConnectors[p]; what != "" {
				if via[p] == nil {
					via[p] = map[string]bool{}
				}
				via[p][u] = true
			}
			stack = append(stack, deps...)
		}
	}
	var out []OffLoop
	for p, us := range via {
		o := OffLoop{Pkg: p, What: stdConnectors[p]}
		for u := range us {
			o.Via = append(o.Via, u)
		}
		sort.Strings(o.Via)
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pkg < out[j].Pkg })
	return out
}
