package http

import (
	"context"
	"time"
)

// connBase is what the context of a connection's requests derives from.
// Without a ConnContext (the usual case) one connBase, made by Serve and
// holding its base context, is shared by all of that Serve call's
// connections, and each request's context derives from the connection
// itself seen as a context (connCtx). With a ConnContext, each
// connection has its own, holding the context built for it as net/http
// builds it. Immutable.
type connBase struct {
	ctx context.Context
	own bool // ctx is the connection's own, complete context
}

// connContextOf returns the connBase of c, accepted by a Serve call with
// the base context base, when the Server has a ConnContext: base with
// ServerContextKey, then the ConnContext, then LocalAddrContextKey, as
// net/http builds it. It runs once, at accept.
func (s *Server) connContextOf(base context.Context, c *conn) *connBase {
	ctx := context.WithValue(s.newConnContext(base, c.Conn), LocalAddrContextKey, c.LocalAddr())
	return &connBase{ctx: ctx, own: true}
}

// requestBase returns the context requests on c derive from: the
// connection's, with ServerContextKey and LocalAddrContextKey as net/http
// sets them.
func (c *conn) requestBase() context.Context {
	if c.base.own {
		return c.base.ctx
	}
	return (*connCtx)(c)
}

// connCtx is a connection seen as the context its requests derive from
// without a ConnContext: the Serve call's base with ServerContextKey and
// LocalAddrContextKey, which net/http's two context.WithValue layers
// would give. Converting a *conn to a *connCtx allocates nothing: the
// layers would be two allocations, and one value of our own one, that
// every idle connection keeps for its whole life (issue 11 counts RSS per
// idle connection). For the same reason the local address is asked of
// the connection when the key is looked up, rather than held: compat/net
// builds an accepted connection's addresses when first asked, then keeps
// them (the same value each time, as net/http's).
//
// Deadline, Done and Err are base's, so a context derived from it with
// WithCancel is tied to base's cancellation directly, as to a valueCtx (no
// goroutine: context's propagateCancel finds base's cancelCtx through
// Value). It reads only immutable fields of the conn.
type connCtx conn

func (c *connCtx) Deadline() (time.Time, bool) { return c.base.ctx.Deadline() }
func (c *connCtx) Done() <-chan struct{}       { return c.base.ctx.Done() }
func (c *connCtx) Err() error                  { return c.base.ctx.Err() }

func (c *connCtx) Value(key any) any {
	switch key {
	case ServerContextKey:
		return c.srv
	case LocalAddrContextKey:
		return c.Conn.LocalAddr()
	}
	return c.base.ctx.Value(key)
}

// String describes the context as net/http's layers would print, without
// the values (context's own valueCtx prints their types only, too).
func (c *connCtx) String() string {
	return contextName(c.base.ctx) + ".WithValue(ServerContextKey).WithValue(LocalAddrContextKey)"
}

func contextName(ctx context.Context) string {
	if s, ok := ctx.(interface{ String() string }); ok {
		return s.String()
	}
	return "context"
}
