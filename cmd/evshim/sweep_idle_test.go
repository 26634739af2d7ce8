package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSweepIdleOnlyPost runs issue 11's idle measurement end to end at a
// small scale: only the idle connections, each after a POST with a
// 1 KiB body, RSS read without a forced collection.
func TestSweepIdleOnlyPost(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two server processes for a few seconds")
	}
	useTestBinaryAsServer(t)
	dir := t.TempDir()
	code, stdout, stderr := runBenchCmd(t, "bench", "-idle-only", "-idle", "200", "-idle-method", "POST",
		"-idle-body", "1024", "-idle-gc=false", "-rounds", "1", "-json", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var rep struct {
		Points []json.RawMessage `json:"points"`
		Idle   []struct {
			Server     string  `json:"server"`
			Conns      int     `json:"conns"`
			Method     string  `json:"method"`
			Body       int     `json:"body_bytes"`
			ForcedGC   bool    `json:"forced_gc"`
			RSS        float64 `json:"rss_per_conn_bytes"`
			Goroutines float64 `json:"goroutines_per_conn"`
		} `json:"idle_summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout)
	}
	if len(rep.Points) != 0 {
		t.Errorf("%d load points, want none with -idle-only", len(rep.Points))
	}
	if len(rep.Idle) != 2 {
		t.Fatalf("idle rows %+v, want compat/http and net/http", rep.Idle)
	}
	for _, row := range rep.Idle {
		if row.Conns != 200 || row.Method != "POST" || row.Body != 1024 || row.ForcedGC {
			t.Errorf("idle row %+v: want 200 connections after a POST of 1024 bytes, no forced GC", row)
		}
		// A connection that has read a body parks without a goroutine on
		// compat/http; net/http keeps one. The count moves by the pooled
		// workers alive at either snapshot (the warm-up request's may
		// have exited): with 200 connections, well under 0.25 each.
		switch row.Server {
		case "compat/http":
			if row.Goroutines < -0.25 || row.Goroutines > 0.25 {
				t.Errorf("compat/http: %v goroutines per idle connection after a POST, want about 0", row.Goroutines)
			}
		case "net/http":
			if row.Goroutines < 0.9 {
				t.Errorf("net/http: %v goroutines per idle connection, want about 1", row.Goroutines)
			}
		}
	}
	// No load, no charts: only the report.
	for _, name := range []string{"sweep-keepalive.svg", "sweep-close.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s written for an idle-only run", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep.json")); err != nil {
		t.Error(err)
	}
}
