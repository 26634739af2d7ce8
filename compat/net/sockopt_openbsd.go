package net

// OpenBSD has no per-socket keep-alive timing options; as in the standard
// library, setting them is a no-op (-1 marks them absent).
const (
	tcpKeepIdle  = -1
	tcpKeepIntvl = -1
	tcpKeepCnt   = -1
)

func usingMPTCP(fd int) bool { return false }
