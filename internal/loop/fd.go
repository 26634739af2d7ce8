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
