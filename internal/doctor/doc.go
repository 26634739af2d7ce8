// Package doctor reads the Linux limits that bound how many connections a
// process can hold and open, compares them with a target, and says how to
// raise each one that falls short.
//
// It reads and never guesses: every value comes from getrlimit(2) or from a
// file under /proc/sys, and a value that cannot be read is reported as
// skipped, not assumed. [Run] changes nothing; [Apply] writes the sysctl
// values it can (as root) and says why it leaves the rest alone.
//
// The proc root and the RLIMIT_NOFILE reader are fields of [Config], so
// tests run the checks against fixture trees under testdata.
//
// [ReadFacts] returns the few machine facts that matter when reading a
// benchmark (cores, file limits, port range, tcp_tw_reuse, somaxconn), for
// the load generator and the bench command to print next to their results.
//
// # Concurrency
//
// Run, Apply and ReadFacts keep no state between calls and are safe for
// concurrent use, except that concurrent Apply calls race on the files they
// write, as two concurrent sysctl -w commands would.
package doctor
