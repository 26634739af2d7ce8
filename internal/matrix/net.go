package matrix

// Rows for the standard library's net package (compat/net).
var _ = register(netRows)

func netRows() []Row {
	var rows []Row
	add := func(status Status, reason, deviation string, cases []string, names ...string) {
		for _, n := range names {
			rows = append(rows, Row{Pkg: "net", Name: n, Status: status, Reason: reason, Deviation: deviation, Cases: cases})
		}
	}
	cs := func(names ...string) []string { return names }

	add(Delegated, "type alias of the stdlib's type: values pass both ways unchanged, errors match with errors.Is/As", "", nil,
		"Addr", "AddrError", "Buffers", "Conn", "DNSConfigError", "DNSError", "Error", "Flags", "HardwareAddr",
		"IP", "IPAddr", "IPConn", "IPMask", "IPNet", "Interface", "InvalidAddrError", "KeepAliveConfig", "Listener",
		"MX", "NS", "OpError", "PacketConn", "ParseError", "Resolver", "SRV", "TCPAddr", "UDPAddr", "UDPConn",
		"UnixAddr", "UnknownNetworkError")
	add(Delegated, "the stdlib's own value, so comparisons and errors.Is hold across packages", "", nil,
		"ErrClosed", "ErrWriteToConnected", "DefaultResolver",
		"IPv4bcast", "IPv4allsys", "IPv4allrouter", "IPv4zero", "IPv6zero", "IPv6unspecified", "IPv6loopback",
		"IPv6interfacelocalallnodes", "IPv6linklocalallnodes", "IPv6linklocalallrouters",
		"IPv4len", "IPv6len", "FlagUp", "FlagBroadcast", "FlagLoopback", "FlagPointToPoint", "FlagMulticast", "FlagRunning")
	noIO := len(rows)
	add(Delegated, "parser or helper without I/O: nothing to run on a loop", "", nil,
		"CIDRMask", "IPv4", "IPv4Mask", "ParseIP", "ParseCIDR", "ParseMAC", "JoinHostPort", "SplitHostPort",
		"TCPAddrFromAddrPort", "UDPAddrFromAddrPort")
	for i := noIO; i < len(rows); i++ {
		rows[i].NoIO = true
	}
	add(Delegated, "name resolution runs in the stdlib resolver (its own DNS client, or cgo): it blocks a goroutine, not a loop", "", nil,
		"ResolveIPAddr", "ResolveTCPAddr", "ResolveUDPAddr", "ResolveUnixAddr",
		"LookupAddr", "LookupCNAME", "LookupHost", "LookupIP", "LookupMX", "LookupNS", "LookupPort", "LookupSRV", "LookupTXT")
	add(Delegated, "reads the kernel's interface tables; no connection", "", nil,
		"InterfaceAddrs", "InterfaceByIndex", "InterfaceByName", "Interfaces")
	add(Delegated, "packet sockets (udp, ip, unixgram): no connection for the loop to keep, and gnet's UDP model does not fit net.PacketConn", "", nil,
		"DialIP", "DialUDP", "ListenIP", "ListenUDP", "ListenMulticastUDP", "ListenPacket", "FilePacketConn",
		"ListenUnixgram", "Dialer.DialIP", "Dialer.DialUDP", "ListenConfig.ListenPacket")
	add(Delegated, "net.Pipe is an in-memory synchronous pipe: there is no socket to poll", "", nil, "Pipe")
	cfg := len(rows)
	add(Delegated, "configuration only: forwarded to the stdlib dialer or listen config built for each call", "", nil,
		"Dialer.MultipathTCP", "Dialer.SetMultipathTCP", "ListenConfig.MultipathTCP", "ListenConfig.SetMultipathTCP")
	for i := cfg; i < len(rows); i++ {
		rows[i].NoIO = true
	}

	const dialReason = "the stdlib dialer resolves and completes the handshake (every Dialer field keeps its meaning); the connected socket then moves onto the loop, where all its I/O runs; at the descriptor limit, where no descriptor is left to move it, the stdlib serves that connection, so Dial succeeds where the stdlib's does"
	add(Cooperative, dialReason, "", cs("nettest/tcp/dialed", "nettest/unix/dialed", "dial/errors", "fdlimit/dial-listen"), "Dial", "Dialer.Dial", "Dialer.DialContext")
	add(Cooperative, dialReason, "", cs("dial/options"), "DialTimeout")
	add(Cooperative, dialReason, "", cs("typed/tcp"), "DialTCP", "Dialer.DialTCP")
	add(Cooperative, dialReason+"; \"unixgram\" and \"unixpacket\" are served by the stdlib", "", cs("typed/unix"), "DialUnix", "Dialer.DialUnix")
	const ownDeviation = "evshim's own type with the stdlib's full field and method set: a type assertion or conversion to the stdlib's concrete type fails"
	add(Cooperative, dialReason, ownDeviation, cs("dial/options", "dial/errors"), "Dialer")

	const listenReason = "the stdlib creates and binds the socket; accepting runs on the loop (accept4 on the caller's goroutine, parking on the loop on EAGAIN); the listener holds one descriptor, and at the descriptor limit the stdlib serves it"
	add(Cooperative, listenReason+"; \"unixpacket\" is served by the stdlib", "", cs("nettest/tcp/accepted", "nettest/unix/accepted", "listener/unix", "fdlimit/dial-listen"), "Listen")
	add(Cooperative, listenReason+"; keep-alive values the kernel rejects are ignored for accepted conns, as the stdlib ignores them", ownDeviation,
		cs("listenconfig/keepalive", "keepalive/rejected-values"), "ListenConfig", "ListenConfig.Listen")
	add(Cooperative, listenReason, "", cs("typed/tcp"), "ListenTCP")
	add(Cooperative, listenReason+"; \"unixpacket\" is served by the stdlib", "", cs("typed/unix"), "ListenUnix")
	add(Cooperative, "the stdlib builds the socket from the file; a TCP or Unix stream socket then moves onto the loop", "", cs("file"), "FileConn", "FileListener")

	const ioReason = "the syscall runs on the caller's goroutine; on EAGAIN it parks until the loop reports readiness, the deadline (a loop timer) passes or the conn is closed"
	connIO := cs("nettest/tcp/dialed", "nettest/tcp/accepted", "errors/after-close", "errors/deadline", "errors/eof", "deadline/far-future", "gc/dropped-conns")
	add(Cooperative, ioReason, ownDeviation, connIO, "TCPConn")
	add(Cooperative, ioReason, "", connIO, "TCPConn.Read", "TCPConn.Write", "TCPConn.Close", "TCPConn.LocalAddr",
		"TCPConn.RemoteAddr", "TCPConn.SetDeadline", "TCPConn.SetReadDeadline", "TCPConn.SetWriteDeadline")
	add(Cooperative, "shutdown(2) on the loop-owned socket; a peer FIN leaves our side writable, as in the stdlib", "",
		cs("halfclose/tcp", "halfclose/peer-fin"), "TCPConn.CloseRead", "TCPConn.CloseWrite")
	const fileReason = "dup(2) of the loop-owned socket, named as the stdlib names it (\"tcp:laddr->raddr\"); the copy is an ordinary *os.File, not on the loop"
	const fileDeviation = "the duplicate is blocking from the start, where the stdlib's turns blocking when its Fd method is called (os/exec calls it for ExtraFiles; the stdlib's hidden os constructor that defers it is not reachable without linkname); a socket's duplicates share that mode, so from File on the conn's own calls block in the kernel and a deadline or Close cannot wake one already blocked, as with the stdlib's conn after Fd"
	add(Partial, fileReason, fileDeviation, cs("file", "file/blocking-named"), "TCPConn.File")
	add(Cooperative, "getsockopt by the stdlib's per-kernel rules: false once the connection fell back to TCP (MPTCP_INFO from Linux 5.16, SO_PROTOCOL before)", "",
		cs("sockopts", "mptcp/fallback"), "TCPConn.MultipathTCP")
	add(Cooperative, "setsockopt on the loop-owned socket, keep-alive timing by the stdlib's rules (defaults, rounding, order)", "",
		cs("sockopts"), "TCPConn.SetKeepAlive", "TCPConn.SetKeepAliveConfig", "TCPConn.SetKeepAlivePeriod",
		"TCPConn.SetLinger", "TCPConn.SetNoDelay", "TCPConn.SetReadBuffer", "TCPConn.SetWriteBuffer")
	add(Cooperative, "syscall.RawConn whose Read and Write park on the loop between calls of f, calling f as often as the stdlib does", "", cs("syscallconn", "syscallconn/read-calls"), "TCPConn.SyscallConn")
	const zeroCopyReason = "the stdlib's zero-copy paths on Linux, on the loop-owned socket: splice(2) through a pipe from a TCP or Unix stream conn (either package's, an io.LimitedReader around one, or the wrapper a TCPConn's WriteTo hands io.Copy), sendfile(2) from a file from its offset (moved on by what was sent; a LimitedReader's N goes down as much), else, where the stdlib falls back, a copy through a 32 KiB buffer; a full socket buffer parks on the loop, so the write deadline and Close apply"
	zeroCopyTests := []string{"compat/net.TestReadFromFileUsesSendfile", "compat/net.TestReadFromConnUsesSplice", "compat/net.TestSendfileCloseUnblocks"}
	add(Partial, zeroCopyReason, "on Darwin, DragonFly and FreeBSD, where the stdlib also uses sendfile(2), a file is copied through user space: those platforms build but are not tested here",
		cs("readfrom/file", "readfrom/file-slow-reader", "readfrom/file-deadline", "readfrom/file-close", "readfrom/file-reset",
			"readfrom/conn", "readfrom/conn-deadline", "readfrom/conn-close", "bulk/tcp", "many-conns"), "TCPConn.ReadFrom")
	rows[len(rows)-1].Tests = zeroCopyTests
	add(Cooperative, "as the stdlib: splice(2) into a Unix stream conn (either package's) on Linux, parking on the loop for the source's bytes; else a copy through a 32 KiB buffer", "io.Copy from this package's TCPConn into a stdlib *net.TCPConn copies through user space, where between two stdlib conns it splices: io.Copy ends in the destination's ReadFrom, and the stdlib's splices only from its own conns (the other way round, io.Copy(compat, stdlib) splices)",
		cs("writeto/unix", "readfrom/conn", "bulk/tcp"), "TCPConn.WriteTo")
	rows[len(rows)-1].Tests = []string{"compat/net.TestWriteToUnixUsesSplice"}

	lnIO := cs("listener/accept-deadline", "listener/close-unblocks-accept", "nettest/tcp/accepted", "listener/after-close-shapes")
	add(Cooperative, listenReason, ownDeviation, lnIO, "TCPListener")
	add(Cooperative, listenReason, "", lnIO, "TCPListener.Accept", "TCPListener.AcceptTCP", "TCPListener.Addr",
		"TCPListener.Close", "TCPListener.SetDeadline", "TCPListener.SyscallConn")
	add(Partial, fileReason, fileDeviation, cs("file", "file/blocking-named"), "TCPListener.File")

	unixIO := cs("nettest/unix/dialed", "nettest/unix/accepted", "bulk/unix")
	add(Cooperative, ioReason+"; unixgram and unixpacket conns are served by the stdlib", ownDeviation, unixIO, "UnixConn")
	add(Cooperative, ioReason, "", unixIO, "UnixConn.Read", "UnixConn.Write", "UnixConn.Close", "UnixConn.LocalAddr",
		"UnixConn.RemoteAddr", "UnixConn.SetDeadline", "UnixConn.SetReadDeadline", "UnixConn.SetWriteDeadline",
		"UnixConn.SetReadBuffer", "UnixConn.SetWriteBuffer", "UnixConn.SyscallConn")
	add(Cooperative, "shutdown(2) on the loop-owned socket", "", cs("halfclose/unix"), "UnixConn.CloseRead", "UnixConn.CloseWrite")
	add(Partial, fileReason, fileDeviation, cs("file", "file/blocking-named"), "UnixConn.File")
	add(Cooperative, "recvmsg/sendmsg on the caller's goroutine, parking on the loop on EAGAIN; received descriptors are close-on-exec; a count of 0 with every error; an address goes to the kernel, which refuses it on a connected socket (EISCONN)", "",
		cs("unix-rights", "unix/readfrom-errors", "unix/writeto-shapes"), "UnixConn.ReadMsgUnix", "UnixConn.WriteMsgUnix", "UnixConn.ReadFrom", "UnixConn.ReadFromUnix")
	add(Cooperative, "as the stdlib on a stream socket: a dialed conn fails with ErrWriteToConnected; an accepted one reports the stdlib's own missing-address error for nil, and passes an address to the kernel, which refuses it (EISCONN)", "",
		cs("unix-rights", "unix/writeto-shapes"), "UnixConn.WriteTo", "UnixConn.WriteToUnix")

	unixLn := cs("listener/unix", "nettest/unix/accepted", "listener/after-close-shapes")
	add(Cooperative, listenReason+"; unixpacket listeners are served by the stdlib", ownDeviation, unixLn, "UnixListener")
	add(Cooperative, listenReason, "", unixLn, "UnixListener.Accept", "UnixListener.AcceptUnix", "UnixListener.Addr",
		"UnixListener.Close", "UnixListener.SetDeadline", "UnixListener.SetUnlinkOnClose", "UnixListener.SyscallConn")
	add(Partial, fileReason, fileDeviation, cs("file", "file/blocking-named"), "UnixListener.File")
	return rows
}
