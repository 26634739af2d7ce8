package compatcheck

import (
	"go/ast"
	"go/types"
	"strconv"
)

// This file finds the constructs that COMPAT.md says bypass the loop even
// in code that imports only compat packages: they reach the standard
// library's dialer, listener or server through a type or package that
// compat shares with it (http.Client and http.Transport are aliases of
// net/http's types; crypto/tls and net/http/httptest have no compat
// counterpart in the same import).

const (
	compatHTTP     = "github.com/evshim/evshim/compat/http"
	compatNet      = "github.com/evshim/evshim/compat/net"
	compatHTTPTest = "github.com/evshim/evshim/compat/http/httptest"
)

// tlsBypasses maps the crypto/tls functions and methods that dial or
// listen with the standard library's net package to the fix.
var tlsBypasses = map[string]string{
	"Dial":               "dial with " + compatNet + " and wrap the conn with tls.Client",
	"DialWithDialer":     "dial with a " + compatNet + " Dialer and wrap the conn with tls.Client",
	"Dialer.Dial":        "dial with a " + compatNet + " Dialer and wrap the conn with tls.Client",
	"Dialer.DialContext": "dial with a " + compatNet + " Dialer's DialContext and wrap the conn with tls.Client",
	"Listen":             "listen with " + compatNet + " and wrap the listener with tls.NewListener",
}

// httptestServers are net/http/httptest's functions that start a
// net/http server.
var httptestServers = map[string]bool{"NewServer": true, "NewUnstartedServer": true, "NewTLSServer": true}

// checkBypasses reports, as calls findings, Client and Transport literals
// that leave the standard library's dialer in place, crypto/tls's dialing
// and listening functions, and net/http/httptest's servers in files that
// no longer import net/http (where they do, the import's finding covers
// them: evshim rewrite swaps both imports).
func (p *packagePass) checkBypasses() {
	for _, f := range p.pass.Files {
		importsStdHTTP := false
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "net/http" {
				importsStdHTTP = true
			}
		}
		for _, decl := range f.Decls {
			assigned := p.assignedFields(decl)
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					p.checkLiteral(n, assigned)
				case *ast.CallExpr:
					p.checkNew(n, assigned)
					p.checkBypassCall(n, importsStdHTTP)
				}
				return true
			})
		}
	}
}

// assignedFields returns the fields of net/http's Client and Transport that
// decl assigns to after construction ("Client.Transport",
// "Transport.DialContext"), so that a literal completed that way is not
// reported.
func (p *packagePass) assignedFields(decl ast.Decl) map[string]bool {
	set := map[string]bool{}
	ast.Inspect(decl, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for _, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			s := p.pass.TypesInfo.Selections[sel]
			if s == nil || s.Kind() != types.FieldVal {
				continue
			}
			if name, ok := httpType(s.Recv()); ok {
				set[name+"."+sel.Sel.Name] = true
			}
		}
		return true
	})
	return set
}

// httpType returns the name of t, or of the type t points to, when it is
// net/http's Client or Transport.
func httpType(t types.Type) (string, bool) {
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "net/http" {
		return "", false
	}
	switch name := named.Obj().Name(); name {
	case "Client", "Transport":
		return name, true
	}
	return "", false
}

// checkLiteral reports a Client literal without a Transport and a
// Transport literal without a dial function.
func (p *packagePass) checkLiteral(lit *ast.CompositeLit, assigned map[string]bool) {
	name, ok := httpType(p.pass.TypesInfo.TypeOf(lit))
	if !ok {
		return
	}
	set := p.setFields(lit)
	switch name {
	case "Client":
		if set["Transport"] || assigned["Client.Transport"] {
			return
		}
		p.report(Calls, lit.Pos(), "http.Client with no Transport uses net/http's DefaultTransport, which dials with the standard library and bypasses the evshim loop: set Transport to %s's DefaultTransport, or use its DefaultClient", compatHTTP)
	case "Transport":
		if set["DialContext"] || set["Dial"] || assigned["Transport.DialContext"] || assigned["Transport.Dial"] {
			return
		}
		const fix = "set DialContext to the DialContext method of a " + compatNet + " Dialer, or start from " + compatHTTP + "'s DefaultTransport.(*http.Transport).Clone()"
		if set["DialTLSContext"] || set["DialTLS"] {
			p.report(Calls, lit.Pos(), "http.Transport with a TLS dial function but no DialContext still dials plain-HTTP connections with the standard library, bypassing the evshim loop: %s", fix)
			return
		}
		p.report(Calls, lit.Pos(), "http.Transport without DialContext dials with the standard library and bypasses the evshim loop: %s", fix)
	}
}

// checkNew reports new(http.Client) and new(http.Transport), which are
// the empty literals by another name.
func (p *packagePass) checkNew(call *ast.CallExpr, assigned map[string]bool) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) != 1 {
		return
	}
	if b, ok := p.pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "new" {
		return
	}
	switch name, _ := httpType(p.pass.TypesInfo.TypeOf(call.Args[0])); name {
	case "Client":
		if !assigned["Client.Transport"] {
			p.report(Calls, call.Pos(), "new(http.Client) has no Transport and uses net/http's DefaultTransport, which dials with the standard library and bypasses the evshim loop: set Transport to %s's DefaultTransport, or use its DefaultClient", compatHTTP)
		}
	case "Transport":
		if !assigned["Transport.DialContext"] && !assigned["Transport.Dial"] {
			p.report(Calls, call.Pos(), "new(http.Transport) has no DialContext and dials with the standard library, bypassing the evshim loop: set DialContext to the DialContext method of a %s Dialer, or start from %s's DefaultTransport.(*http.Transport).Clone()", compatNet, compatHTTP)
		}
	}
}

// setFields returns the fields that lit sets to something other than nil.
func (p *packagePass) setFields(lit *ast.CompositeLit) map[string]bool {
	set := map[string]bool{}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue // a positional literal of these structs does not compile outside net/http
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		if tv, ok := p.pass.TypesInfo.Types[kv.Value]; ok && tv.IsNil() {
			continue
		}
		set[key.Name] = true
	}
	return set
}

// checkBypassCall reports calls of crypto/tls's dialing and listening
// functions and of net/http/httptest's server constructors.
func (p *packagePass) checkBypassCall(call *ast.CallExpr, importsStdHTTP bool) {
	fn, id := p.calledFunc(call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	name := fn.Name()
	if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
		t := recv.Type()
		if ptr, ok := t.(*types.Pointer); ok {
			t = ptr.Elem()
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return
		}
		name = named.Obj().Name() + "." + name
	}
	switch fn.Pkg().Path() {
	case "crypto/tls":
		if fix, ok := tlsBypasses[name]; ok {
			p.report(Calls, id.Pos(), "tls.%s uses the standard library's net package and bypasses the evshim loop: %s", name, fix)
		}
	case "net/http/httptest":
		if httptestServers[name] && !importsStdHTTP {
			p.report(Calls, id.Pos(), "httptest.%s starts a net/http server, which bypasses the evshim loop and stores a *net/http.Server under ServerContextKey: use %s (evshim rewrite swaps the import)", name, compatHTTPTest)
		}
	}
}

// serverContextAssertion reports whether a is an assertion of the value
// stored under http.ServerContextKey (net/http's or compat/http's) to
// *Server (net/http's or compat/http's), and whose Server it names.
func (p *packagePass) serverContextAssertion(a *ast.TypeAssertExpr) (compat, ok bool) {
	call, isCall := ast.Unparen(a.X).(*ast.CallExpr)
	if !isCall || len(call.Args) != 1 {
		return false, false
	}
	sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel || sel.Sel.Name != "Value" {
		return false, false
	}
	var key *ast.Ident
	switch k := ast.Unparen(call.Args[0]).(type) {
	case *ast.Ident:
		key = k
	case *ast.SelectorExpr:
		key = k.Sel
	default:
		return false, false
	}
	v, isVar := p.pass.TypesInfo.Uses[key].(*types.Var)
	if !isVar || v.Name() != "ServerContextKey" || v.Pkg() == nil || (v.Pkg().Path() != "net/http" && v.Pkg().Path() != compatHTTP) {
		return false, false
	}
	ptr, isPtr := types.Unalias(p.pass.TypesInfo.TypeOf(a.Type)).(*types.Pointer)
	if !isPtr {
		return false, false
	}
	named, isNamed := types.Unalias(ptr.Elem()).(*types.Named)
	if !isNamed || named.Obj().Name() != "Server" || named.Obj().Pkg() == nil {
		return false, false
	}
	switch named.Obj().Pkg().Path() {
	case "net/http":
		return false, true
	case compatHTTP:
		return true, true
	}
	return false, false
}
