//go:build !linux

package signal_test

// runChild exists so that TestMain compiles; the scenarios that need a
// child process send thread-directed signals, which only Linux offers.
func runChild(string) int { return 2 }
