package httptest_test

import (
	"testing"

	"github.com/evshim/evshim/internal/testenv"
)

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }
