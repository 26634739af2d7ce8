//go:build go1.26

package shimtest

import (
	"encoding/binary"
	"net"

	"golang.org/x/sys/unix"
)

// peerUnread asks the kernel, through a sock_diag netlink lookup of the
// connection's other end (on this host: the server's), how many bytes
// that end has received and its owner not yet read; 0 if the lookup
// fails or the end is gone. (/proc/net/tcp says the same, but lists every
// socket of the host: tens of thousands while other tests run.)
func peerUnread(c *net.TCPConn) int {
	la, ok1 := c.LocalAddr().(*net.TCPAddr)
	ra, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 || la.IP.To4() == nil || ra.IP.To4() == nil {
		return 0
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return 0
	}
	defer unix.Close(fd)
	// struct nlmsghdr, then struct inet_diag_req_v2 (linux/inet_diag.h):
	// family, protocol, ext, pad, states, then the socket id: ports
	// (big-endian), source and destination addresses (16 bytes each),
	// interface, cookie (all ones: none).
	const reqLen = 8 + 48
	req := make([]byte, unix.SizeofNlMsghdr+reqLen)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST)
	b := req[unix.SizeofNlMsghdr:]
	b[0], b[1] = unix.AF_INET, unix.IPPROTO_TCP
	ne.PutUint32(b[4:], ^uint32(0)) // any state
	id := b[8:]
	binary.BigEndian.PutUint16(id[0:], uint16(ra.Port)) // the other end's: source is ra
	binary.BigEndian.PutUint16(id[2:], uint16(la.Port))
	copy(id[4:8], ra.IP.To4())
	copy(id[20:24], la.IP.To4())
	ne.PutUint32(id[40:], ^uint32(0))
	ne.PutUint32(id[44:], ^uint32(0))
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0
	}
	// The reply: struct nlmsghdr, then struct inet_diag_msg, whose
	// idiag_rqueue follows family, state, timer, retrans, the socket id
	// and idiag_expires.
	resp := make([]byte, 512)
	n, _, err := unix.Recvfrom(fd, resp, 0)
	const rqueue = unix.SizeofNlMsghdr + 4 + 48 + 4
	if err != nil || n < rqueue+4 || ne.Uint16(resp[4:]) != unix.SOCK_DIAG_BY_FAMILY {
		return 0
	}
	return int(ne.Uint32(resp[rqueue:]))
}
