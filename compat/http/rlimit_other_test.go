//go:build !unix

package http_test

func nofileLimit() int64 { return 0 }
