//go:build !unix

package doctor

import "errors"

// getNofile reports that this platform has no RLIMIT_NOFILE: Windows limits
// handles per process far above what a connection count needs.
func getNofile() (Rlimit, error) {
	return Rlimit{}, errors.ErrUnsupported
}

// getInherited reports that this platform has no RLIMIT_NOFILE.
func getInherited() (Rlimit, error) {
	return Rlimit{}, errors.ErrUnsupported
}
