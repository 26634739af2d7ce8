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

	const dialReason = "the stdlib dialer resolves and completes the handshake (every Dialer field keeps its meaning); the connected socket then moves onto the loop, where all its I/O runs"
	add(Cooperative, dialReason, "", cs("nettest/tcp/dialed", "nettest/unix/dialed", "dial/errors"), "Dial", "Dialer.Dial", "Dialer.DialContext")
	add(Cooperative, dialReason, "", cs("dial/options"), "DialTimeout")
	add(Cooperative, dialReason, "", cs("typed/tcp"), "DialTCP", "Dialer.DialTCP")
	add(Cooperative, dialReason+"; \"unixgram\" and \"unixpacket\" are served by the stdlib", "", cs("typed/unix"), "DialUnix", "Dialer.DialUnix")
	const ownDeviation = "evshim's own type with the stdlib's full field and method set: a type assertion or conversion to the stdlib's concrete type fails"
	add(Cooperative, dialReason, ownDeviation, cs("dial/options", "dial/errors"), "Dialer")

	const listenReason = "the stdlib creates and binds the socket; accepting runs on the loop (accept4 on the caller's goroutine, parking on the loop on EAGAIN)"
	add(Cooperative, listenReason+"; \"unixpacket\" is served by the stdlib", "", cs("nettest/tcp/accepted", "nettest/unix/accepted", "listener/unix"), "Listen")
	add(Cooperative, listenReason, ownDeviation, cs("listenconfig/keepalive"), "ListenConfig", "ListenConfig.Listen")
	add(Cooperative, listenReason, "", cs("typed/tcp"), "ListenTCP")
	add(Cooperative, listenReason+"; \"unixpacket\" is served by the stdlib", "", cs("typed/unix"), "ListenUnix")
	add(Cooperative, "the stdlib builds the socket from the file; a TCP or Unix stream socket then moves onto the loop", "", cs("file"), "FileConn", "FileListener")

	const ioReason = "the syscall runs on the caller's goroutine; on EAGAIN it parks until the loop reports readiness, the deadline (a loop timer) passes or the conn is closed"
	connIO := cs("nettest/tcp/dialed", "nettest/tcp/accepted", "errors/after-close", "errors/deadline", "errors/eof")
	add(Cooperative, ioReason, ownDeviation, connIO, "TCPConn")
	add(Cooperative, ioReason, "", connIO, "TCPConn.Read", "TCPConn.Write", "TCPConn.Close", "TCPConn.LocalAddr",
		"TCPConn.RemoteAddr", "TCPConn.SetDeadline", "TCPConn.SetReadDeadline", "TCPConn.SetWriteDeadline")
	add(Cooperative, "shutdown(2) on the loop-owned socket; a peer FIN leaves our side writable, as in the stdlib", "",
		cs("halfclose/tcp", "halfclose/peer-fin"), "TCPConn.CloseRead", "TCPConn.CloseWrite")
	add(Cooperative, "dup(2) of the loop-owned socket; the copy is an ordinary *os.File, not on the loop", "", cs("file"), "TCPConn.File")
	add(Cooperative, "setsockopt on the loop-owned socket (keep-alive timing and MPTCP through the stdlib's per-kernel code on a duplicate)", "",
		cs("sockopts"), "TCPConn.MultipathTCP", "TCPConn.SetKeepAlive", "TCPConn.SetKeepAliveConfig", "TCPConn.SetKeepAlivePeriod",
		"TCPConn.SetLinger", "TCPConn.SetNoDelay", "TCPConn.SetReadBuffer", "TCPConn.SetWriteBuffer")
	add(Cooperative, "syscall.RawConn whose Read and Write park on the loop between calls of f", "", cs("syscallconn"), "TCPConn.SyscallConn")
	add(Partial, ioReason, "copies through a 32 KiB user-space buffer: the stdlib's splice(2) and sendfile(2) fast paths are not taken",
		cs("bulk/tcp", "many-conns"), "TCPConn.ReadFrom", "TCPConn.WriteTo")

	lnIO := cs("listener/accept-deadline", "listener/close-unblocks-accept", "nettest/tcp/accepted")
	add(Cooperative, listenReason, ownDeviation, lnIO, "TCPListener")
	add(Cooperative, listenReason, "", lnIO, "TCPListener.Accept", "TCPListener.AcceptTCP", "TCPListener.Addr",
		"TCPListener.Close", "TCPListener.SetDeadline", "TCPListener.SyscallConn")
	add(Cooperative, "dup(2) of the loop-owned socket", "", cs("file"), "TCPListener.File")

	unixIO := cs("nettest/unix/dialed", "nettest/unix/accepted", "bulk/unix")
	add(Cooperative, ioReason+"; unixgram and unixpacket conns are served by the stdlib", ownDeviation, unixIO, "UnixConn")
	add(Cooperative, ioReason, "", unixIO, "UnixConn.Read", "UnixConn.Write", "UnixConn.Close", "UnixConn.LocalAddr",
		"UnixConn.RemoteAddr", "UnixConn.SetDeadline", "UnixConn.SetReadDeadline", "UnixConn.SetWriteDeadline",
		"UnixConn.SetReadBuffer", "UnixConn.SetWriteBuffer", "UnixConn.SyscallConn")
	add(Cooperative, "shutdown(2) on the loop-owned socket", "", cs("halfclose/unix"), "UnixConn.CloseRead", "UnixConn.CloseWrite")
	add(Cooperative, "dup(2) of the loop-owned socket", "", cs("file"), "UnixConn.File")
	add(Cooperative, "recvmsg/sendmsg on the caller's goroutine, parking on the loop on EAGAIN; received descriptors are close-on-exec", "",
		cs("unix-rights"), "UnixConn.ReadMsgUnix", "UnixConn.WriteMsgUnix", "UnixConn.ReadFrom", "UnixConn.ReadFromUnix")
	add(Partial, "a connected stream socket takes no destination address", "on a loop conn, WriteTo and WriteToUnix always fail with ErrWriteToConnected; for an accepted conn and a nil address the stdlib reports a missing address instead",
		cs("unix-rights"), "UnixConn.WriteTo", "UnixConn.WriteToUnix")

	unixLn := cs("listener/unix", "nettest/unix/accepted")
	add(Cooperative, listenReason+"; unixpacket listeners are served by the stdlib", ownDeviation, unixLn, "UnixListener")
	add(Cooperative, listenReason, "", unixLn, "UnixListener.Accept", "UnixListener.AcceptUnix", "UnixListener.Addr",
		"UnixListener.Close", "UnixListener.SetDeadline", "UnixListener.SetUnlinkOnClose", "UnixListener.SyscallConn", "UnixListener.File")
	return rows
}
