// Package overlay patches a build at build time, dependencies included: it
// lists the build graph with the go command, rewrites the imports of net,
// net/http and os/signal (and net/http/httptest, when the compat module in
// the graph has it) in every package outside the standard library into
// copies kept in a content-keyed cache, and writes a go command overlay
// file ("go build -overlay=FILE") that points the build at the copies.
// It is gevent's monkey.patch_all() done by the compiler: the source tree
// and the module cache are never written. The go command refuses overlays
// of module cache files, so a module from the cache with a package to
// patch is copied into the cache with its patched files in place, and a
// go.mod for -modfile ([Result].Modfile) replaces the module with the
// copy.
//
// Which packages are patched is explicit. Every package outside the
// standard library that imports a swapped package is, except evshim's own
// packages, which use the standard library on purpose, and those that
// Options.Skip matches. [Result] lists what was patched and why, what was
// left alone, and the standard library packages in the build that open
// connections of their own, which stay off the loop.
//
// A copy is keyed by the sha256 of the original file's bytes and the swap
// list, so a second run over unchanged sources rewrites nothing and the
// overlay file comes out byte for byte the same: the go command's build
// cache, which hashes what the overlay points at, hits as it would
// without evshim.
//
// The patched packages import the compat packages, so the main module must
// require github.com/evshim/evshim; [Load] checks that before the build
// and says which go get command adds it. When a patched package does not
// compile because a standard library value meets a compat type (a
// *net/http.Server handed to code now typed on compat/http's Server),
// [Result.Diagnose] reads the go command's errors and names the package, the
// type and the -skip that keeps the build going.
package overlay
