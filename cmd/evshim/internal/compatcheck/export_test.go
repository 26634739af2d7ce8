package compatcheck

import "go/types"

// Load lets the fixture tests load packages once, as Check does, and run
// several analyzers over them.
var Load = load

// DeclaredTypes and FallbackOwned let TestFallbackOwned compare the list
// with the compat packages' declarations.
func DeclaredTypes(std string, pkg *types.Package) []string {
	return typeNames(declaredTypes(std, pkg))
}

func FallbackOwned() []string { return typeNames(fallbackOwned) }

func typeNames(ts []stdType) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Pkg+"."+t.Name)
	}
	return out
}
