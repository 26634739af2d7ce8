package loadgen

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

// testEngine is the Config.Engine that run and the tests' own New calls
// use. TestMain sets it.
var testEngine string

// TestMain runs every test once per engine this platform has, so that the
// engines pass the same tests, then checks for leaked goroutines as
// testenv.VerifyTestMain does (which takes a *testing.M, not this loop).
func TestMain(m *testing.M) { goleak.VerifyTestMain(eachEngine{m}) }

type eachEngine struct{ m *testing.M }

func (e eachEngine) Run() int {
	for _, name := range Engines() {
		testEngine = name
		fmt.Printf("loadgen tests with Config.Engine %q\n", name)
		if code := e.m.Run(); code != 0 {
			fmt.Printf("FAIL with Config.Engine %q\n", name)
			return code
		}
	}
	return 0
}
