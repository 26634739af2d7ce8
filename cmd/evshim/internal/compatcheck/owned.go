package compatcheck

import (
	"go/types"
)

// declaredTypes returns the types that pkg, the compat package mirroring
// std, declares itself rather than as an alias of the standard library's:
// the types whose standard library namesakes a compat value never is.
func declaredTypes(std string, pkg *types.Package) []stdType {
	var out []stdType
	scope := pkg.Scope()
	for _, name := range scope.Names() { // sorted
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || !tn.Exported() || tn.IsAlias() {
			continue
		}
		out = append(out, stdType{Pkg: std, Name: name})
	}
	return out
}

// fallbackOwned is used when no compat package is in the build, to tell
// what a rewrite would break. It is the set that the compat packages
// declared when this analyzer was written; TestFallbackOwned compares it
// with their declarations. Sorted as summary.Owned is.
var fallbackOwned = []stdType{
	{Pkg: "net", Name: "Dialer"},
	{Pkg: "net", Name: "ListenConfig"},
	{Pkg: "net", Name: "TCPConn"},
	{Pkg: "net", Name: "TCPListener"},
	{Pkg: "net", Name: "UnixConn"},
	{Pkg: "net", Name: "UnixListener"},
	{Pkg: "net/http", Name: "Server"},
	{Pkg: "net/http/httptest", Name: "Server"},
}
