//go:build unix

package loop

import "syscall"

var sigUSR1, sigUSR2 = syscall.SIGUSR1, syscall.SIGUSR2
