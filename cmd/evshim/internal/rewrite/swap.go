package rewrite

// Module is the import path of the evshim module.
const Module = "github.com/evshim/evshim"

// A Swap pairs a standard library package with the compat package that
// replaces it.
type Swap struct {
	Std    string // import path of the standard library package: "net"
	Compat string // import path of its replacement: Module + "/compat/net"
}

// Swaps lists every package pair that rewrite swaps. It is the one list of
// mirrored packages that evshim's tools share; treat it as read-only.
var Swaps = []Swap{
	{Std: "net", Compat: Module + "/compat/net"},
	{Std: "net/http", Compat: Module + "/compat/http"},
	{Std: "os/signal", Compat: Module + "/compat/signal"},
	// Its servers are compat/http servers; its recorder and NewRequest
	// are the standard library's.
	{Std: "net/http/httptest", Compat: Module + "/compat/http/httptest"},
}

// Direction selects which way [Source] swaps imports.
type Direction int

const (
	// ToCompat swaps standard library imports for compat packages.
	ToCompat Direction = iota
	// ToStd swaps compat imports back for the standard library's.
	ToStd
)

func (d Direction) String() string {
	if d == ToStd {
		return "revert"
	}
	return "rewrite"
}

func (d Direction) inverse() Direction {
	if d == ToStd {
		return ToCompat
	}
	return ToStd
}

// target returns the import path that path swaps to in direction d.
func (d Direction) target(path string) (to string, ok bool) {
	for _, s := range Swaps {
		switch {
		case d == ToCompat && path == s.Std:
			return s.Compat, true
		case d == ToStd && path == s.Compat:
			return s.Std, true
		}
	}
	return "", false
}
