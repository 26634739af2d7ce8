//go:build !linux && !darwin

package loadgen

// IsTerminal reports false: elsewhere the progress line is not drawn.
func IsTerminal(fd uintptr) bool { return false }
