// Package cputime reads the CPU time the process has used. The loop's
// watchdog and the load generator both ask; this is their one reader.
package cputime
