//go:build dragonfly || freebsd || linux

package loop

import "golang.org/x/sys/unix"

// accept takes a connection with the flags set atomically.
func accept(s int) (int, unix.Sockaddr, string, error) {
	ns, sa, err := unix.Accept4(s, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, nil, "accept4", err
	}
	return ns, sa, "", nil
}
