package matrix

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRowsValid(t *testing.T) {
	for _, err := range Validate(Rows()) {
		t.Error(err)
	}
}

func TestValidateCatches(t *testing.T) {
	rows := []Row{
		{Pkg: "p", Name: "A", Status: Delegated, Reason: "r"},
		{Pkg: "p", Name: "A", Status: Delegated, Reason: "r"},
		{Pkg: "p", Name: "B", Status: Cooperative, Reason: "r"},
		{Pkg: "p", Name: "C", Status: Partial, Reason: "r", Cases: []string{"c"}},
		{Pkg: "p", Name: "D", Status: Cooperative, Reason: "", Cases: []string{"c"}},
		{Pkg: "p", Name: "E", Status: Cooperative, Reason: "r", Cases: []string{"c"}, NoIO: true},
	}
	var got []string
	for _, err := range Validate(rows) {
		got = append(got, err.Error())
	}
	for _, want := range []string{"p.A: duplicate", "p.B: cooperative but no case", "p.C: partial without", "p.D: no reason", "p.E: NoIO on a cooperative"} {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("Validate missed %q; got %q", want, got)
		}
	}
}

func TestLookupAndPackages(t *testing.T) {
	if r, ok := Lookup("net", "Dial"); !ok || r.Status != Cooperative {
		t.Errorf("Lookup(net, Dial) = %+v, %v", r, ok)
	}
	pkgs := strings.Join(Packages(), " ")
	for _, p := range []string{"net", "net/http", "os/signal", "compat/queue"} {
		if !strings.Contains(pkgs, p) {
			t.Errorf("Packages() = %s, lacks %s", pkgs, p)
		}
	}
}
