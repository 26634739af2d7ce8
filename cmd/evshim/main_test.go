package main

import (
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

// TestMain is the package's one TestMain; every command's tests share it.
func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }
