package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sweepHelperEnv marks a re-run of the test binary as one of the sweep's
// servers.
const sweepHelperEnv = "EVSHIM_SWEEP_HELPER"

// TestSweepHelperProcess is not a test: it is the test binary standing in
// for "evshim bench serve" when the smoke test re-runs it (the os/exec
// helper-process pattern). It runs the arguments after "--" as evshim
// would and exits.
func TestSweepHelperProcess(t *testing.T) {
	if os.Getenv(sweepHelperEnv) != "1" {
		t.Skip("the smoke test's server process, not a test of its own")
	}
	i := slices.Index(os.Args, "--")
	if i < 0 {
		os.Exit(2)
	}
	os.Exit(run(os.Args[i+1:], os.Stdout, os.Stderr))
}

// useTestBinaryAsServer points the sweep's built-in servers at this test
// binary for the duration of t.
func useTestBinaryAsServer(t *testing.T) {
	t.Helper()
	testHookSelf = func() ([]string, []string) {
		return []string{os.Args[0], "-test.run=^TestSweepHelperProcess$", "--"}, []string{sweepHelperEnv + "=1"}
	}
	t.Cleanup(func() { testHookSelf = nil })
}

// TestSweepShort is the CI smoke run: "evshim bench -short" end to end,
// with both built-in servers in their own processes.
func TestSweepShort(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two server processes for about ten seconds")
	}
	useTestBinaryAsServer(t)
	dir := t.TempDir()
	code, stdout, stderr := runBenchCmd(t, "bench", "-short", "-json", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var rep struct {
		Machine struct {
			Cores int `json:"cores"`
		} `json:"machine"`
		Levels  []int `json:"concurrency"`
		Rounds  int   `json:"rounds"`
		Summary []struct {
			Server    string  `json:"server"`
			Conc      int     `json:"concurrency"`
			KeepAlive bool    `json:"keep_alive"`
			RPS       float64 `json:"requests_per_second"`
			Failed    int64   `json:"failed"`
			P99       int64   `json:"p99_ns"`
			Ratio     float64 `json:"rps_ratio"`
		} `json:"summary"`
		Idle []struct {
			Server     string  `json:"server"`
			Conns      int     `json:"conns"`
			RSS        float64 `json:"rss_per_conn_bytes"`
			Goroutines float64 `json:"goroutines_per_conn"`
		} `json:"idle_summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout)
	}
	if rep.Machine.Cores < 1 || !slices.Equal(rep.Levels, []int{10, 50}) || rep.Rounds != 1 {
		t.Errorf("cores %d, levels %v, rounds %d; want the machine's cores, [10 50], 1", rep.Machine.Cores, rep.Levels, rep.Rounds)
	}
	if len(rep.Summary) != 2*2*2 {
		t.Fatalf("%d summary rows, want 8 (2 servers x 2 levels x 2 modes)", len(rep.Summary))
	}
	for _, row := range rep.Summary {
		if row.RPS <= 0 || row.P99 <= 0 || row.Failed != 0 || row.Ratio <= 0 {
			t.Errorf("row %+v: want requests, a p99, no failure and a ratio to net/http", row)
		}
	}
	idle := map[string]float64{}
	for _, row := range rep.Idle {
		if row.Conns != 50 {
			t.Errorf("idle row %+v: want 50 connections", row)
		}
		idle[row.Server] = row.Goroutines
	}
	// The property the sweep exists to show: net/http parks a goroutine on
	// every idle connection and compat/http does not.
	if g, ok := idle["net/http"]; !ok || g < 0.9 {
		t.Errorf("net/http: %v goroutines per idle connection, want about 1", g)
	}
	if g, ok := idle["compat/http"]; !ok || g < 0 || g > 0.5 {
		t.Errorf("compat/http: %v goroutines per idle connection, want about 0", g)
	}
	for _, name := range []string{"sweep-keepalive.svg", "sweep-close.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var chart struct {
			Polylines []struct {
				Server string `xml:"data-server,attr"`
			} `xml:"polyline"`
		}
		if err := xml.Unmarshal(b, &chart); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(chart.Polylines) != 2 || chart.Polylines[0].Server != "compat/http" || chart.Polylines[1].Server != "net/http" {
			t.Errorf("%s: polylines %+v, want one for compat/http and one for net/http", name, chart.Polylines)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep.json")); err != nil {
		t.Error(err)
	}
}

func TestSweepUsage(t *testing.T) {
	useTestBinaryAsServer(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{name: "help", args: []string{"bench", "-h"}, want: 0},
		{name: "bench-help", args: []string{"bench", "help"}, want: 0},
		{name: "bad-flag", args: []string{"bench", "-zzz"}, want: 2},
		{name: "bad-c", args: []string{"bench", "-c", "10,x"}, want: 2},
		{name: "zero-c", args: []string{"bench", "-c", "0"}, want: 2},
		{name: "argument", args: []string{"bench", "extra"}, want: 2},
		{name: "unknown-server", args: []string{"bench", "-servers", "nginx"}, want: 2},
		{name: "no-server", args: []string{"bench", "-servers", "none"}, want: 2},
		{name: "idle-only-skipped", args: []string{"bench", "-idle-only", "-idle", "-1"}, want: 2},
		{name: "idle-body-negative", args: []string{"bench", "-idle-body", "-1"}, want: 2},
		{name: "bad-server", args: []string{"bench", "-server", "nocommand"}, want: 2},
		{name: "serve-bad-impl", args: []string{"bench", "serve", "-impl", "nginx"}, want: 2},
		{name: "serve-bad-addr", args: []string{"bench", "serve", "-impl", "std", "-addr", "127.0.0.1:x"}, want: 2},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			if code, _, stderr := runBenchCmd(t, tt.args...); code != tt.want {
				t.Errorf("evshim %s = %d, want %d; stderr %q", strings.Join(tt.args, " "), code, tt.want, stderr)
			}
		})
	}
}

func TestSweepServerFails(t *testing.T) {
	// A -server whose command exits at once: the sweep says which server
	// failed and exits 2 without a report.
	code, stdout, stderr := runBenchCmd(t, "bench", "-short", "-servers", "none", "-out", "",
		"-server", "broken="+os.Args[0]+" -test.run=^$")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "server broken") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, and the server's name", code, stdout, stderr)
	}
}
