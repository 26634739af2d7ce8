package doctor_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/evshim/evshim/internal/doctor"
	"github.com/evshim/evshim/internal/testenv"
)

func TestMain(m *testing.M) { testenv.VerifyTestMain(m) }

// nofile returns an RLIMIT_NOFILE reader that reports soft and hard.
func nofile(soft, hard uint64) func() (doctor.Rlimit, error) {
	return func() (doctor.Rlimit, error) { return doctor.Rlimit{Soft: soft, Hard: hard}, nil }
}

// Targets for the fixtures. The numbers in the want tables below follow
// from these and from the files under testdata.
var (
	// tuned: 10k connections, 500/s against a tuned machine.
	tuned = doctor.Config{Conns: 10000, Rate: 500, Nofile: nofile(65536, 65536), Inherited: nofile(65536, 65536), PageSize: 4096}
	// heavy: 100k connections, 5000/s against an untuned 4.9 machine. The
	// shell's soft limit is 1024; the Go runtime raised this process's to
	// hard-1.
	heavy = doctor.Config{Conns: 100000, Rate: 5000, Nofile: nofile(4095, 4096), Inherited: nofile(1024, 4096), PageSize: 4096}
)

func withProc(cfg doctor.Config, proc string) doctor.Config {
	cfg.Proc = proc
	return cfg
}

// statuses maps each check's name to its status.
func statuses(r *doctor.Report) map[string]doctor.Status {
	m := make(map[string]doctor.Status, len(r.Checks))
	for _, c := range r.Checks {
		m[c.Name] = c.Status
	}
	return m
}

// allOK is the verdict on a tuned machine, conntrack loaded.
var allOK = map[string]doctor.Status{
	"RLIMIT_NOFILE soft, inherited":   doctor.OK,
	"RLIMIT_NOFILE soft, Go programs": doctor.OK,
	"RLIMIT_NOFILE hard":              doctor.OK,
	"fs.nr_open":                      doctor.OK,
	"fs.file-max":                     doctor.OK,
	"net.ipv4.ip_local_port_range":    doctor.OK,
	"net.ipv4.tcp_tw_reuse":           doctor.OK,
	"net.ipv4.tcp_tw_recycle":         doctor.OK,
	"net.ipv4.tcp_fin_timeout":        doctor.OK,
	"net.ipv4.tcp_max_tw_buckets":     doctor.OK,
	"net.core.somaxconn":              doctor.OK,
	"net.ipv4.tcp_max_syn_backlog":    doctor.OK,
	"net.ipv4.tcp_syncookies":         doctor.OK,
	"net.netfilter.nf_conntrack_max":  doctor.OK,
	"net.ipv4.tcp_rmem":               doctor.OK,
	"net.ipv4.tcp_wmem":               doctor.OK,
	"net.ipv4.tcp_mem":                doctor.OK,
}

func with(base map[string]doctor.Status, changes map[string]doctor.Status) map[string]doctor.Status {
	m := make(map[string]doctor.Status, len(base))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range changes {
		m[k] = v
	}
	return m
}

var fixtureTests = []struct {
	name   string
	cfg    doctor.Config
	want   map[string]doctor.Status
	reason string
}{
	{
		name:   "pass",
		cfg:    withProc(tuned, "testdata/pass"),
		want:   allOK,
		reason: "every limit of the tuned fixture covers 10k connections at 500/s",
	},
	{
		name:   "noconntrack",
		cfg:    withProc(tuned, "testdata/noconntrack"),
		want:   with(allOK, map[string]doctor.Status{"net.netfilter.nf_conntrack_max": doctor.Skip}),
		reason: "without the nf_conntrack module there is no table to fill: skipped, not failed",
	},
	{
		name:   "pass-small-limit",
		cfg:    doctor.Config{Conns: 10000, Rate: 500, Nofile: nofile(65535, 65536), Inherited: nofile(1024, 65536), PageSize: 4096, Proc: "testdata/pass"},
		want:   with(allOK, map[string]doctor.Status{"RLIMIT_NOFILE soft, inherited": doctor.Warn}),
		reason: "a Go server raises its soft limit to the hard one, so a low inherited soft limit alone warns",
	},
	{
		name: "fail",
		cfg:  withProc(heavy, "testdata/fail"),
		want: map[string]doctor.Status{
			"RLIMIT_NOFILE soft, inherited":   doctor.Warn, // 1024 < 100256
			"RLIMIT_NOFILE soft, Go programs": doctor.Warn, // 4095 < 100256
			"RLIMIT_NOFILE hard":              doctor.Fail, // 4096 < 100256
			"fs.nr_open":                      doctor.Fail, // 65536 < 100256
			"fs.file-max":                     doctor.Fail, // 80000 < 2048 + 100256
			"net.ipv4.ip_local_port_range":    doctor.Fail, // 28131 ports < 100000 + 5000*60
			"net.ipv4.tcp_tw_reuse":           doctor.OK,   // informational
			"net.ipv4.tcp_tw_recycle":         doctor.Fail, // present and 1
			"net.ipv4.tcp_fin_timeout":        doctor.OK,   // informational
			"net.ipv4.tcp_max_tw_buckets":     doctor.Warn, // 16384 < 5000*60
			"net.core.somaxconn":              doctor.Fail, // 128 < 5000*0.1
			"net.ipv4.tcp_max_syn_backlog":    doctor.Fail, // 256 < 500 and no cookies
			"net.ipv4.tcp_syncookies":         doctor.Warn, // 0
			"net.netfilter.nf_conntrack_max":  doctor.Fail, // 65536 < 100000 + 5000*120
			"net.ipv4.tcp_rmem":               doctor.OK,
			"net.ipv4.tcp_wmem":               doctor.OK,
			"net.ipv4.tcp_mem":                doctor.Warn, // 36000 pages < 100000 * (87380+16384) bytes
		},
		reason: "the untuned fixture falls short of 100k connections at 5000/s everywhere it can",
	},
}

func TestRunFixtures(t *testing.T) {
	for _, tt := range fixtureTests {
		t.Run("proc="+tt.name, func(t *testing.T) {
			r, err := doctor.Run(tt.cfg)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if diff := cmp.Diff(tt.want, statuses(r)); diff != "" {
				t.Errorf("statuses mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
			for _, c := range r.Checks {
				if (c.Status == doctor.Fail || c.Status == doctor.Warn) && len(c.Fix) == 0 {
					t.Errorf("%s is %v but has no fix", c.Name, c.Status)
				}
				if c.Value == "" {
					t.Errorf("%s has no value", c.Name)
				}
			}
		})
	}
}

func TestRunFacts(t *testing.T) {
	r, err := doctor.Run(withProc(heavy, "testdata/fail"))
	if err != nil {
		t.Fatal(err)
	}
	want := doctor.Facts{
		OS: runtime.GOOS, Kernel: "4.9.0-fixture", Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		NofileSoft: 4095, NofileHard: 4096, PortLow: 32768, PortHigh: 60999, TWReuse: 0, Somaxconn: 128,
	}
	if diff := cmp.Diff(want, r.Facts); diff != "" {
		t.Errorf("Facts mismatch (-want +got):\n%s", diff)
	}
	if got, wantSub := r.Facts.String(), "nofile=4095/4096 ports=32768-60999 tw_reuse=0 somaxconn=128"; !strings.Contains(got, wantSub) {
		t.Errorf("Facts.String() = %q, want it to contain %q", got, wantSub)
	}
}

// checkByName returns r's check called name.
func checkByName(t *testing.T, r *doctor.Report, name string) doctor.Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q", name)
	return doctor.Check{}
}

func TestPortArithmetic(t *testing.T) {
	r, err := doctor.Run(withProc(heavy, "testdata/fail"))
	if err != nil {
		t.Fatal(err)
	}
	c := checkByName(t, r, "net.ipv4.ip_local_port_range")
	// 32768..60999 is 28232 ports, less 100 (40000-40099) and 1 (50000)
	// reserved; without tcp_tw_reuse every closed port waits 60 s.
	if want := "32768 60999 (28131 ports)"; c.Value != want {
		t.Errorf("Value = %q, want %q", c.Value, want)
	}
	if want := ">= 400000 per address pair"; !strings.HasPrefix(c.Need, want) {
		t.Errorf("Need = %q, want prefix %q", c.Need, want)
	}
	// Even the widest range with tw_reuse (100000 + 5000×1 s = 105000
	// ports) needs two address pairs of 64411 ports.
	fixes := strings.Join(c.Fix, "\n")
	for _, want := range []string{
		`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`,
		"sysctl -w net.ipv4.tcp_tw_reuse=1",
		"dial from 2 source addresses",
	} {
		if !strings.Contains(fixes, want) {
			t.Errorf("fix lines lack %q:\n%s", want, fixes)
		}
	}
}

func TestApply(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, dir, "testdata/fail")
	cfg := withProc(heavy, dir)
	r, err := doctor.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := doctor.Apply(cfg, r)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	done := map[string]string{}
	var notDone []string
	for _, ch := range changes {
		if ch.Done {
			done[ch.Name] = ch.To
		} else {
			notDone = append(notDone, ch.Name)
			if ch.Why == "" {
				t.Errorf("change %s not done and says not why", ch.Name)
			}
		}
	}
	wantDone := map[string]string{
		"fs.nr_open":                     "100256",
		"fs.file-max":                    "102304",
		"net.ipv4.ip_local_port_range":   "1024 65535",
		"net.ipv4.tcp_tw_reuse":          "1",
		"net.ipv4.tcp_tw_recycle":        "0",
		"net.core.somaxconn":             "500",
		"net.ipv4.tcp_max_syn_backlog":   "500",
		"net.netfilter.nf_conntrack_max": "701000",
	}
	if diff := cmp.Diff(wantDone, done); diff != "" {
		t.Errorf("changes done mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"RLIMIT_NOFILE hard"}, notDone); diff != "" {
		t.Errorf("changes not done mismatch (-want +got):\n%s", diff)
	}
	for key, want := range wantDone {
		b, err := os.ReadFile(filepath.Join(dir, "sys", strings.ReplaceAll(key, ".", "/")))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(b)); got != want {
			t.Errorf("%s holds %q, want %q", key, got, want)
		}
	}

	after, err := doctor.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]doctor.Status{
		"RLIMIT_NOFILE soft, inherited":   doctor.Warn,
		"RLIMIT_NOFILE soft, Go programs": doctor.Warn,
		"RLIMIT_NOFILE hard":              doctor.Fail, // per process: Apply cannot help
		"fs.nr_open":                      doctor.OK,
		"fs.file-max":                     doctor.OK,
		"net.ipv4.ip_local_port_range":    doctor.Fail, // 105000 > 64411: needs a second address pair
		"net.ipv4.tcp_tw_reuse":           doctor.OK,
		"net.ipv4.tcp_tw_recycle":         doctor.OK,
		"net.ipv4.tcp_fin_timeout":        doctor.OK,
		"net.ipv4.tcp_max_tw_buckets":     doctor.Warn, // warnings are not applied
		"net.core.somaxconn":              doctor.OK,
		"net.ipv4.tcp_max_syn_backlog":    doctor.OK,
		"net.ipv4.tcp_syncookies":         doctor.Warn,
		"net.netfilter.nf_conntrack_max":  doctor.OK,
		"net.ipv4.tcp_rmem":               doctor.OK,
		"net.ipv4.tcp_wmem":               doctor.OK,
		"net.ipv4.tcp_mem":                doctor.Warn,
	}
	if diff := cmp.Diff(want, statuses(after)); diff != "" {
		t.Errorf("statuses after Apply mismatch (-want +got):\n%s", diff)
	}

	// A second Apply finds nothing left to write.
	again, err := doctor.Apply(cfg, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range again {
		if ch.Done {
			t.Errorf("second Apply wrote %s=%s again", ch.Name, ch.To)
		}
	}
	if len(again) != 2 {
		t.Errorf("second Apply returned %d changes, want 2 (RLIMIT_NOFILE and the port range): %+v", len(again), again)
	}
}

func TestApplyPassingChangesNothing(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, dir, "testdata/pass")
	cfg := withProc(tuned, dir)
	r, err := doctor.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := doctor.Apply(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("Apply on a passing machine returned %+v, want nothing", changes)
	}
}

func TestReportJSON(t *testing.T) {
	r, err := doctor.Run(withProc(heavy, "testdata/fail"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"name":"net.core.somaxconn","value":"128"`)) || !bytes.Contains(b, []byte(`"status":"fail"`)) {
		t.Errorf("JSON lacks the somaxconn check or a named status:\n%s", b)
	}
	var back doctor.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, &back, cmpopts.IgnoreUnexported(doctor.Check{})); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteText(t *testing.T) {
	r, err := doctor.Run(withProc(heavy, "testdata/fail"))
	if err != nil {
		t.Fatal(err)
	}
	r.Applied = []doctor.Change{
		{Name: "net.core.somaxconn", From: "128", To: "500", Done: true},
		{Name: "RLIMIT_NOFILE hard", Why: "per process"},
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"evshim doctor: 100000 connections, 5000 new connections per second",
		"FAIL    net.core.somaxconn",
		"fix: sysctl -w net.core.somaxconn=500",
		"fix: LimitNOFILE=100256",
		"removed in Linux 4.12",
		"8 failed, 5 warnings, 4 ok, 0 skipped.",
		"changed  net.core.somaxconn: 128 -> 500",
		"echo 'net.core.somaxconn = 500' >> /etc/sysctl.d/90-evshim.conf",
		"not set  RLIMIT_NOFILE hard: per process",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := doctor.Run(doctor.Config{Proc: filepath.Join(t.TempDir(), "missing")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Run with a missing proc root: err = %v, want fs.ErrNotExist", err)
	}
	if _, err := doctor.Run(doctor.Config{Conns: -1}); err == nil {
		t.Error("Run with -1 connections: err = nil")
	}
}

func TestRunUnreadableLimit(t *testing.T) {
	cfg := withProc(tuned, "testdata/pass")
	cfg.Nofile = func() (doctor.Rlimit, error) { return doctor.Rlimit{}, errors.ErrUnsupported }
	r, err := doctor.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := checkByName(t, r, "RLIMIT_NOFILE")
	if c.Status != doctor.Skip || !strings.Contains(c.Value, errors.ErrUnsupported.Error()) {
		t.Errorf("RLIMIT_NOFILE check = %+v, want a skip that names the error", c)
	}
	if r.Facts.NofileSoft != -1 || r.Facts.NofileHard != -1 {
		t.Errorf("Facts nofile = %d/%d, want -1/-1 (unknown)", r.Facts.NofileSoft, r.Facts.NofileHard)
	}
}

// TestRunHere runs the checks on this machine. The verdicts vary from
// machine to machine; what must hold everywhere is that Run works and that
// every check is complete.
func TestRunHere(t *testing.T) {
	r, err := doctor.Run(doctor.Config{Conns: 1000, Rate: 100})
	if err != nil {
		t.Fatalf("Run on this machine: %v", err)
	}
	if len(r.Checks) == 0 {
		t.Fatal("no checks")
	}
	names := map[string]bool{}
	for _, c := range r.Checks {
		names[c.Name] = true
		if c.Name == "" || c.Value == "" {
			t.Errorf("incomplete check %+v", c)
		}
		if c.Status < doctor.OK || c.Status > doctor.Fail {
			t.Errorf("%s: status %v out of range", c.Name, c.Status)
		}
	}
	if runtime.GOOS == "linux" && !names["net.core.somaxconn"] {
		t.Errorf("on Linux, no somaxconn check among %v", names)
	}
	if err := r.WriteText(new(bytes.Buffer), true); err != nil {
		t.Errorf("WriteText: %v", err)
	}
}

func TestReadFacts(t *testing.T) {
	f := doctor.ReadFacts()
	if f.OS != runtime.GOOS || f.Cores != runtime.NumCPU() || f.GOMAXPROCS != runtime.GOMAXPROCS(0) {
		t.Errorf("ReadFacts() = %+v, want the runtime's OS, NumCPU and GOMAXPROCS", f)
	}
	if runtime.GOOS == "linux" {
		if f.PortLow <= 0 || f.PortLow > f.PortHigh || f.Somaxconn <= 0 || f.TWReuse < 0 || f.Kernel == "" {
			t.Errorf("ReadFacts() on Linux = %+v, want the port range, somaxconn, tcp_tw_reuse and kernel read", f)
		}
	}
	if runtime.GOOS != "windows" && (f.NofileSoft <= 0 || f.NofileSoft > f.NofileHard) {
		t.Errorf("ReadFacts() nofile = %d/%d, want 0 < soft <= hard", f.NofileSoft, f.NofileHard)
	}
}

// copyTree copies the regular files and directories under src into dst.
func copyTree(t *testing.T, dst, src string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRoles(t *testing.T) {
	// 60k connections on the tuned fixture: its 55536 local ports are too
	// few to dial them, and nothing else falls short.
	base := doctor.Config{Conns: 60000, Nofile: nofile(65535, 65536), Inherited: nofile(65536, 65536), PageSize: 4096, Proc: "testdata/pass"}
	const (
		ports   = "net.ipv4.ip_local_port_range"
		reuse   = "net.ipv4.tcp_tw_reuse"
		backlog = "net.core.somaxconn"
		syn     = "net.ipv4.tcp_max_syn_backlog"
		cookies = "net.ipv4.tcp_syncookies"
	)
	tests := []struct {
		role   doctor.Role
		want   map[string]doctor.Status
		fails  bool
		reason string
	}{
		{role: doctor.Serve, want: map[string]doctor.Status{ports: doctor.Skip, reuse: doctor.Skip, backlog: doctor.OK, syn: doctor.OK, cookies: doctor.OK},
			reason: "accepted connections use no local ports: a server is not judged on them"},
		{role: doctor.Load, want: map[string]doctor.Status{ports: doctor.Fail, reuse: doctor.OK, backlog: doctor.Skip, syn: doctor.Skip, cookies: doctor.Skip},
			fails: true, reason: "a load generator dials, so ports count and listen queues do not"},
		{role: doctor.Both, want: map[string]doctor.Status{ports: doctor.Fail, reuse: doctor.OK, backlog: doctor.OK, syn: doctor.OK, cookies: doctor.OK},
			fails: true, reason: "both roles: everything is judged"},
		{role: "", want: map[string]doctor.Status{ports: doctor.Fail, reuse: doctor.OK, backlog: doctor.OK, syn: doctor.OK, cookies: doctor.OK},
			fails: true, reason: "the default role is both"},
	}
	for _, tt := range tests {
		t.Run("role="+string(tt.role), func(t *testing.T) {
			cfg := base
			cfg.Role = tt.role
			r, err := doctor.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]doctor.Status{}
			for name := range tt.want {
				c := checkByName(t, r, name)
				got[name] = c.Status
				if c.Status == doctor.Skip && (!strings.Contains(c.Value, "role "+string(tt.role)) || c.Note == "") {
					t.Errorf("%s skipped as %q, note %q: want the role named and a reason", name, c.Value, c.Note)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
			if (r.Status() == doctor.Fail) != tt.fails {
				t.Errorf("report status %v, want fail=%v (%s)", r.Status(), tt.fails, tt.reason)
			}
			if want := tt.role; want != "" && r.Role != want || tt.role == "" && r.Role != doctor.Both {
				t.Errorf("report role %q for %q", r.Role, tt.role)
			}
		})
	}
	cfg := base
	cfg.Role = "proxy"
	if _, err := doctor.Run(cfg); err == nil || !strings.Contains(err.Error(), `"proxy"`) {
		t.Errorf("Run with role proxy: err = %v, want one naming the role", err)
	}
}

func TestNofileRows(t *testing.T) {
	cfg := doctor.Config{Conns: 10000, Nofile: nofile(524287, 524288), Inherited: nofile(1024, 524288), PageSize: 4096, Proc: "testdata/pass"}
	r, err := doctor.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	inh := checkByName(t, r, "RLIMIT_NOFILE soft, inherited")
	goSoft := checkByName(t, r, "RLIMIT_NOFILE soft, Go programs")
	hard := checkByName(t, r, "RLIMIT_NOFILE hard")
	if !strings.HasPrefix(inh.Value, "1024 ") || inh.Status != doctor.Warn || !strings.Contains(strings.Join(inh.Fix, "\n"), "ulimit -Sn 10256") {
		t.Errorf("inherited row = %+v, want 1024, a warning and a ulimit -Sn fix", inh)
	}
	if !strings.Contains(inh.Note, "Go programs (1.19 on) raise their soft limit") || !strings.Contains(inh.Note, "other languages") {
		t.Errorf("inherited row's note %q does not say who gets which limit", inh.Note)
	}
	if !strings.HasPrefix(goSoft.Value, "524287 ") || goSoft.Status != doctor.OK || hard.Value != "524288" || hard.Status != doctor.OK {
		t.Errorf("Go row %+v, hard row %+v: want 524287 and 524288, both ok", goSoft, hard)
	}

	cfg.Inherited = func() (doctor.Rlimit, error) { return doctor.Rlimit{}, errors.New("no shell") }
	if r, err = doctor.Run(cfg); err != nil {
		t.Fatal(err)
	}
	if c := checkByName(t, r, "RLIMIT_NOFILE soft, inherited"); c.Status != doctor.Skip || !strings.Contains(c.Value, "no shell") {
		t.Errorf("unreadable inherited limit: %+v, want a skip naming the error", c)
	}
}

// TestInheritedHere reads this machine's inherited limit through a child
// shell: it must be read, and it cannot exceed the hard limit.
func TestInheritedHere(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("fixture-free checks need /proc: Linux only")
	}
	r, err := doctor.Run(doctor.Config{Conns: 10})
	if err != nil {
		t.Fatal(err)
	}
	c := checkByName(t, r, "RLIMIT_NOFILE soft, inherited")
	if c.Status == doctor.Skip {
		t.Fatalf("inherited limit not read: %s", c.Value)
	}
	soft, _, _ := strings.Cut(c.Value, " ")
	if soft != "unlimited" && r.Facts.NofileHard != math.MaxInt64 {
		n, err := strconv.ParseInt(soft, 10, 64)
		if err != nil || n <= 0 || n > r.Facts.NofileHard {
			t.Errorf("inherited soft limit %q, hard %d: want 0 < soft <= hard", c.Value, r.Facts.NofileHard)
		}
	}
}

func TestApplyBeforeAfterReasons(t *testing.T) {
	for _, tt := range []struct {
		reuse     string // tcp_tw_reuse in the fixture
		wantReuse string // after Apply
		done      bool
		why       string // in the Change's Reason (done) or Why (not done)
	}{
		{reuse: "0", wantReuse: "1", done: true, why: "TIME_WAIT held 60 s"},
		{reuse: "2", wantReuse: "2", done: false, why: "expert advice"},
	} {
		t.Run("tw_reuse="+tt.reuse, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, dir, "testdata/fail")
			if err := os.WriteFile(filepath.Join(dir, "sys/net/ipv4/tcp_tw_reuse"), []byte(tt.reuse+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := withProc(heavy, dir)
			r, err := doctor.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			changes, err := doctor.Apply(cfg, r)
			if err != nil {
				t.Fatal(err)
			}
			var reuse *doctor.Change
			for i, ch := range changes {
				if ch.Name == "net.ipv4.tcp_tw_reuse" {
					reuse = &changes[i]
				}
				switch {
				case ch.Done && (ch.From == "" || ch.After != ch.To || ch.Reason == ""):
					t.Errorf("change %+v: want the value before, the value after equal to the one written, and a reason", ch)
				case !ch.Done && ch.Why == "":
					t.Errorf("change %+v not done and says not why", ch)
				}
			}
			if reuse == nil {
				t.Fatalf("no tcp_tw_reuse change among %+v", changes)
			}
			text := reuse.Reason
			if !tt.done {
				text = reuse.Why
			}
			if reuse.Done != tt.done || reuse.From != tt.reuse || reuse.After != tt.wantReuse || !strings.Contains(text, tt.why) {
				t.Errorf("tcp_tw_reuse change %+v: want done=%v, %s -> %s, and %q", *reuse, tt.done, tt.reuse, tt.wantReuse, tt.why)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "sys/net/ipv4/tcp_tw_reuse"))
			if got := strings.TrimSpace(string(b)); got != tt.wantReuse {
				t.Errorf("tcp_tw_reuse holds %q after Apply, want %q", got, tt.wantReuse)
			}

			r.Applied = changes
			var buf bytes.Buffer
			if err := r.WriteText(&buf, false); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{"changed  net.core.somaxconn: 128 -> 500 (now 500)", "why: 128 < 500", "persist: echo 'net.core.somaxconn = 500'"} {
				if !strings.Contains(out, want) {
					t.Errorf("text lacks %q:\n%s", want, out)
				}
			}
			if !tt.done && !strings.Contains(out, "not set  net.ipv4.tcp_tw_reuse: 2, stays 2 (1 considered)") {
				t.Errorf("text does not show tcp_tw_reuse left at 2 with before and after:\n%s", out)
			}
		})
	}
}
