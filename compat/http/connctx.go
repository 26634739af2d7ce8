package http

import (
	"context"
)

// connContextOf returns the context that the requests on c derive from,
// as net/http builds it: base with ServerContextKey, then the Server's
// ConnContext, then LocalAddrContextKey. It runs once, at accept.
//
// Without a ConnContext (the usual case) one connCtx holds both keys:
// net/http's two context.WithValue layers would be two allocations that
// every idle connection keeps for its whole life (issue 11 counts RSS per
// idle connection). For the same reason connCtx asks the connection for
// its local address when the key is looked up, rather than holding the
// address: compat/net builds an accepted connection's addresses only when
// asked (an equal value each time, as net/http's is the same one).
func (s *Server) connContextOf(base context.Context, c *conn) context.Context {
	if s.ConnContext == nil {
		return &connCtx{Context: base, srv: s, c: c}
	}
	return context.WithValue(s.newConnContext(base, c), LocalAddrContextKey, c.LocalAddr())
}

// connCtx is base with ServerContextKey and LocalAddrContextKey, which
// the two context.WithValue layers would give, in one value. Deadline,
// Done and Err are base's, so a context derived from it with WithCancel
// is tied to base's cancellation directly, as to a valueCtx (no goroutine:
// context's propagateCancel finds base's cancelCtx through Value).
// Immutable.
type connCtx struct {
	context.Context
	srv *Server
	c   *conn // for LocalAddrContextKey; a pointer, so that a connCtx fits 32 bytes
}

func (c *connCtx) Value(key any) any {
	switch key {
	case ServerContextKey:
		return c.srv
	case LocalAddrContextKey:
		return c.c.LocalAddr()
	}
	return c.Context.Value(key)
}
