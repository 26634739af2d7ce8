package overlay

import (
	"bufio"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// A Mismatch is a package that failed to compile because a standard
// library type met its compat counterpart: the patch made one side of an
// assignment, argument or return compat's and the other stayed the
// standard library's.
type Mismatch struct {
	Pkg     string   // the package that failed
	Patched bool     // whether Pkg itself was patched
	Types   []string // the standard library types involved: "*net/http.Server"
	Lines   []string // the go command's error lines for Pkg that name them
	// Skip lists the -skip arguments that keep the build going: Pkg when
	// it was patched, else the patched packages it imports, whose APIs
	// now carry compat types.
	Skip []string
}

// The compiler qualifies a type by its package's path in quotes when two
// packages of one name meet in one message, as net/http and compat/http do.
var (
	compatType = regexp.MustCompile(`"` + regexp.QuoteMeta(module) + `/compat/[\w/]+"\.\w+`)
	stdType    = regexp.MustCompile(`(\*?)"(net|net/http|os/signal|net/http/httptest)"\.(\w+)`)
)

// Diagnose reads the go command's error output from a build that used
// res's overlay and returns the packages that failed on a type mismatch
// between the standard library and the compat packages.
func (res *Result) Diagnose(output string) []Mismatch {
	patched := map[string]bool{}
	for _, p := range res.Patched {
		patched[p.Path] = true
	}
	names := &originals{orig: res.copies(), mods: res.modDirs}
	byPkg := map[string]*Mismatch{}
	var order []string
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			pkg, _, _ = strings.Cut(rest, " ")
			continue
		}
		if pkg == "" || !compatType.MatchString(line) {
			continue
		}
		m := byPkg[pkg]
		if m == nil {
			m = &Mismatch{Pkg: pkg, Patched: patched[pkg]}
			byPkg[pkg] = m
			order = append(order, pkg)
		}
		m.Lines = append(m.Lines, strings.TrimSpace(string(names.replace([]byte(line)))))
		for _, t := range stdType.FindAllStringSubmatch(line, -1) {
			typ := t[1] + t[2] + "." + t[3]
			if !contains(m.Types, typ) {
				m.Types = append(m.Types, typ)
			}
		}
	}
	var out []Mismatch
	for _, name := range order {
		m := byPkg[name]
		if m.Patched {
			m.Skip = []string{name}
		} else {
			// The patched imports whose package name the errors mention
			// ("in argument to server.Serve"), or all of them.
			var all, named []string
			for _, imp := range res.imports[name] {
				if !patched[imp] {
					continue
				}
				all = append(all, imp)
				elem := imp[strings.LastIndex(imp, "/")+1:]
				for _, l := range m.Lines {
					if strings.Contains(l, " "+elem+".") {
						named = append(named, imp)
						break
					}
				}
			}
			m.Skip = all
			if len(named) > 0 {
				m.Skip = named
			}
			sort.Strings(m.Skip)
		}
		out = append(out, *m)
	}
	return out
}

// String explains the mismatch in a form fit for the terminal.
func (m Mismatch) String() string {
	var b strings.Builder
	types := strings.Join(m.Types, ", ")
	if types == "" {
		types = "a standard library type"
	}
	if m.Patched {
		fmt.Fprintf(&b, "evshim: patched package %s does not compile: %s meets its compat counterpart.\n", m.Pkg, types)
		b.WriteString("\tThe patch made its net, net/http or os/signal values evshim's, and a standard library value reaches it\n")
		b.WriteString("\t(from the standard library itself, or from a package left unpatched).\n")
	} else {
		fmt.Fprintf(&b, "evshim: package %s does not compile: %s meets the compat type of a patched package it imports.\n", m.Pkg, types)
	}
	for _, l := range m.Lines {
		fmt.Fprintf(&b, "\t%s\n", l)
	}
	if len(m.Skip) > 0 {
		var flags []string
		for _, s := range m.Skip {
			flags = append(flags, "-skip "+s)
		}
		fmt.Fprintf(&b, "\t%s keeps the build going; its connections then stay off the loop.\n", strings.Join(flags, " "))
	}
	b.WriteString("\tSee docs/migrate-from-gevent.md, \"When a patched package does not compile\".\n")
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
