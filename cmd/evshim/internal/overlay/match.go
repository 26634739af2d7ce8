package overlay

import (
	"path/filepath"
	"regexp"
	"strings"
)

// A skipPattern is one -skip argument: an import path pattern
// ("example.com/dep", "example.com/dep/...", "..."), or a directory
// pattern ("./internal/...", "/abs/dir"), as the go command reads them.
// "..." matches any string, and a trailing "/..." also matches the path
// before it.
type skipPattern struct {
	text  string         // as given, for reports
	re    *regexp.Regexp // matched against an import path or, when dir, a directory
	byDir bool
}

func compileSkip(pattern, dir string) (skipPattern, error) {
	sp := skipPattern{text: pattern}
	target := pattern
	if isLocal(pattern) {
		sp.byDir = true
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		target = filepath.ToSlash(filepath.Clean(target))
	}
	re := regexp.QuoteMeta(target)
	re = strings.ReplaceAll(re, regexp.QuoteMeta("..."), ".*")
	if strings.HasSuffix(re, "/.*") {
		re = strings.TrimSuffix(re, "/.*") + "(/.*)?"
	}
	var err error
	sp.re, err = regexp.Compile("^" + re + "$")
	return sp, err
}

// match reports whether the pattern names the package with import path
// path in directory pkgDir.
func (sp skipPattern) match(path, pkgDir string) bool {
	if sp.byDir {
		return pkgDir != "" && sp.re.MatchString(filepath.ToSlash(pkgDir))
	}
	return sp.re.MatchString(path)
}

// isLocal reports whether pattern names directories rather than import
// paths, by the go command's rule: it is rooted or begins with . or ..
func isLocal(pattern string) bool {
	return filepath.IsAbs(pattern) || pattern == "." || pattern == ".." ||
		strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../")
}
