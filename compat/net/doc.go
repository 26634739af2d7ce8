// Package net is a drop-in replacement for the standard library's [net]
// package whose stream connections are driven by evshim's single,
// process-wide event loop.
//
// Swap the import and keep the code:
//
//	import net "github.com/evshim/evshim/compat/net"
//
// Every exported identifier of the standard library's net exists here with
// a signature that compiles where the stdlib's did. Types that values flow
// through (Conn, Listener, Addr, OpError, ...) are aliases of the stdlib's,
// and sentinels (ErrClosed, ...) are the stdlib's own values.
//
// # What runs on the loop
//
// TCP ("tcp", "tcp4", "tcp6") and Unix stream ("unix") connections and
// listeners: Read, Write, Accept and the raw SyscallConn Read/Write make
// their syscalls on the caller's goroutine and, when the kernel answers
// EAGAIN, park until the loop reports readiness, the deadline passes or the
// connection is closed: the model of gevent's sockets and of Go's own
// netpoller, with the loop in place of the runtime's poller. Deadline
// expiries are delivered as loop callbacks. TCPConn.ReadFrom and WriteTo
// use splice(2) and sendfile(2) where the stdlib does (Linux), and park
// on the loop in the same way while the socket's buffer is full.
//
// The loop runs only while it is used: it starts with the first connection
// or listener and stops 50 ms after the last one is closed, so a program
// (or a test under goleak) that has closed everything runs no goroutine of
// the loop's, and the next Dial or Listen starts it again. Reads and writes
// are syscall.Read and syscall.Write, so the race detector sees the same
// happens-before edges through a connection as with the standard library,
// whichever package made each end.
//
// # What the standard library serves
//
// Name resolution, the TCP handshake of Dial (the connected socket then
// moves onto the loop), packet sockets (udp, ip, unixgram), unixpacket,
// Pipe, interfaces and the parsers. COMPAT.md at the repository root lists
// every identifier with its status and the reason.
//
// # Differences
//
//   - TCPConn, TCPListener, UnixConn, UnixListener, Dialer and ListenConfig
//     are this package's own types with the stdlib's full method and field
//     sets; a type assertion to *net.TCPConn on a Conn from this package
//     fails. Assert to this package's type or to an interface.
//   - TCPConn.ReadFrom takes the stdlib's zero-copy paths on Linux only:
//     splice(2) from a TCP or Unix stream connection and sendfile(2) from a
//     file. On Darwin, DragonFly and FreeBSD, where the stdlib also uses
//     sendfile(2), it copies through user space. WriteTo is the stdlib's
//     everywhere (splice into a Unix stream connection on Linux). io.Copy
//     from this package's TCPConn into a stdlib *net.TCPConn copies
//     through user space: it ends in the stdlib's ReadFrom, which splices
//     only from the stdlib's own connections.
//   - File returns a duplicate that is blocking from the start; the
//     stdlib's turns blocking when its Fd method is called (os/exec does so
//     for ExtraFiles). The duplicates of a socket share that mode, so after
//     File the connection's own calls block in the kernel, and a deadline or
//     Close cannot wake one already blocked: the stdlib's connection behaves
//     so only after Fd. Get the File when the connection is no longer used.
//   - At the descriptor limit, a dialed connection or a listener whose
//     socket cannot be duplicated onto the loop is served by the standard
//     library instead, so Dial and Listen succeed where the stdlib's do.
//   - On platforms without a loop (gnet's pollers cover Linux and the BSDs)
//     every call is served by the standard library.
//
// As in the standard library, a connection or listener dropped without
// Close is closed when the garbage collector finds it, and keep-alive
// values the kernel rejects leave an accepted connection as it is.
//
// # Concurrency
//
// Multiple goroutines may invoke methods on a Conn or Listener
// simultaneously, as with the standard library.
package net
