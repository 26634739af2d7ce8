package loop

import "errors"

// ErrWouldPark is returned by TryRead when no data is there: the caller
// would have had to park.
var ErrWouldPark = errors.New("evshim/loop: no data ready")

// FDOf returns the loop descriptor behind a connection or listener made by
// a compat package, or nil. compat/net sets it when it loads, so that
// compat/http can serve compat/net's connections from the loop. Where the
// platform has no loop it always returns nil.
var FDOf = func(any) *FD { return nil }

// RemoteAddrString returns c.RemoteAddr().String() for a connection made by
// a compat package, formatted without building the address value, and
// true; or false, and the caller formats RemoteAddr itself. compat/net
// sets it when it loads: compat/http asks for the string once per request
// (Request.RemoteAddr) rather than keep one per connection (issue 11
// counts RSS per idle connection).
var RemoteAddrString = func(c any) (string, bool) { return "", false }
