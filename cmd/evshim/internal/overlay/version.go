package overlay

import "runtime/debug"

// Version returns the version of the evshim library this command was built
// against, for the go get command it suggests: the compat packages should
// match the command that patches code to use them. A development build
// (a replace directive or a checkout) suggests "latest".
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "latest"
	}
	for _, d := range info.Deps {
		if d.Path == module && d.Replace == nil && d.Version != "" && d.Version != "(devel)" {
			return d.Version
		}
	}
	return "latest"
}
