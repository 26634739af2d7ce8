package shimtest

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	diffSelf     = flag.Bool("httpdiff.self", false, "TestHTTPDiff compares net/http with itself (the harness's determinism check)")
	diffFindings = flag.String("httpdiff.findings", "", "TestHTTPDiff writes every divergence, pending or not, to this file (markdown)")
)

// acceptedDiverge is the one list of differences between net/http and
// compat/http that the differential suite accepts, each with its reason
// (COMPAT.md and compat/http's package doc list them). An entry either
// names the cases it excuses (a prefix of the case name) or is neutralized
// by how the harness runs every case (cases empty).
var acceptedDiverge = []struct {
	cases  []string
	reason string
}{
	{reason: "compat/http defaults ReadHeaderTimeout and IdleTimeout to 10 s and 120 s when neither they nor " +
		"ReadTimeout are set (net/http: none); diffServer.withDefaults sets explicit timeouts on both servers"},
	{reason: "compat/http reads Server's fields when serving starts; the harness sets every field before Serve " +
		"(SetKeepAlivesEnabled, a method, is exercised both before and during serving)"},
	{reason: "r.Context().Value(ServerContextKey) holds the *compat/http.Server; the handler does not observe it"},
}

// pendingDiverge lists the cases that compat/http does not yet pass, by
// name or name prefix, with the difference observed. They are run and
// their differences logged, not failed; a pending case that passes is
// logged too, so that the entry is removed. Shrink this set; never grow
// it to make a run green without recording the divergence in
// /work/notes/httpdiff-findings.md.
var pendingDiverge = map[string]string{
	"conns-released":                        "issue 11's first bug: compat/http keeps about 1 KiB of heap per closed connection that net/http's code served (BAD\\r\\n\\r\\n: std 0 B, compat ~1050 B; a POST: compat ~1400 B)",
	"after-gap/bad-method-char":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/bad-percent-path":            "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/bad-request-line":            "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/bad-version":                 "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/bare-cr-header":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/bare-cr-line":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/chunk-bad-size":              "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"after-gap/cl-huge":                     "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/cl-list":                     "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/cl-negative":                 "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/cl-plus":                     "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/cl-space-inside":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/ctl-in-value":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/double-space-line":           "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/dup-cl-differ":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/h2c-preface-frames":          "bytes: std …\"lain; charset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 200 OK\\r\\nX-Path: *\\r\\nContent-Length: 7\\r\\nContent-Type:\", compat …\"lain",
	"after-gap/hijack":                      "handler 1 context at return: std \"context canceled\", compat \"\"",
	"after-gap/hijack-after-writeheader":    "handler 1 notes: std [\"hijack 0: <nil>\" \"hijack 1: http: connection has been hijacked\"], compat [\"hijack 0: <nil>\" \"hijack 1 panicked\"]",
	"after-gap/leading-crlf":                "bytes: std …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 200 OK\\r\\nX-Path: /lead\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-T\", compat …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 400 Bad Request\\r\\nContent-Type: text/plain; charset=utf-…",
	"after-gap/lower-version":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/no-colon":                    "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/nul-in-value":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/obs-fold-first":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/tab-in-line":                 "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/te-double-chunked":           "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/te-gzip-chunked":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/te-identity":                 "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/te-two-headers":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/te-unsupported":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"after-gap/two-hosts":                   "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"alone/chunk-size-overflow":             "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"alone/hijack":                          "handler 0 context at return: std \"context canceled\", compat \"\"",
	"alone/hijack-after-writeheader":        "handler 0 notes: std [\"hijack 0: <nil>\" \"hijack 1: http: connection has been hijacked\"], compat [\"hijack 0: <nil>\" \"hijack 1 panicked\"]",
	"behind-get/bad-method-char":            "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/bad-percent-path":           "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/bad-request-line":           "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/bad-version":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/bare-cr-header":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/bare-cr-line":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/cl-huge":                    "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/cl-list":                    "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/cl-negative":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/cl-plus":                    "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/cl-space-inside":            "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/ctl-in-value":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/double-space-line":          "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/dup-cl-differ":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/h2c-preface-frames":         "bytes: std …\"lain; charset=utf-8\\r\\n\\r\\nread 0\\nHTTP/1.1 200 OK\\r\\nX-Path: *\\r\\nContent-Length: 7\\r\\nContent-Type:\", compat …\"lain",
	"behind-get/hijack":                     "handler 1 context at return: std \"context canceled\", compat \"\"",
	"behind-get/hijack-after-writeheader":   "handler 1 notes: std [\"hijack 0: <nil>\" \"hijack 1: http: connection has been hijacked\"], compat [\"hijack 0: <nil>\" \"hijack 1 panicked\"]",
	"behind-get/leading-crlf":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/lower-version":              "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/no-colon":                   "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/nul-in-value":               "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/obs-fold-first":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/tab-in-line":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/te-double-chunked":          "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/te-gzip-chunked":            "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/te-identity":                "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/te-two-headers":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/te-unsupported":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-get/two-hosts":                  "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"behind-post/chunk-bad-size":            "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"behind-post/chunk-size-overflow":       "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"ctx/half-close-after-get":              "handler 0 context at return: std \"\", compat \"context canceled\"",
	"issue/crlf-after-body-later":           "bytes: std …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 200 OK\\r\\nX-Path: /end\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-Ty\", compat …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 400 Bad Request\\r\\nContent-Type: text/plain; charset=utf-…",
	"issue/desync":                          "bytes: std …\"d 5\\nHTTP/1.1 200 OK\\r\\nX-Path: /x\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-Type: text/plain; cha\", compat …\"d 5\\nHTTP/1.1 200 OK\\r\\nX-Path: /admin\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-Type: text/pla…",
	"issue/h2c-idle-gap":                    "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"issue/h2c-preface-after-request":       "bytes: std …\"lain; charset=utf-8\\r\\n\\r\\nread 0\\nHTTP/1.1 200 OK\\r\\nX-Path: *\\r\\nContent-Length: 7\\r\\nContent-Type:\", compat …\"lain",
	"issue/h2c-preface-after-request-later": "bytes: std …\"lain; charset=utf-8\\r\\n\\r\\nread 0\\nHTTP/1.1 200 OK\\r\\nX-Path: *\\r\\nContent-Length: 7\\r\\nContent-Type:\", compat …\"lain",
	"issue/split-400-behind-post":           "bytes: std …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 200 OK\\r\\nX-Path: /x\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-Type\", compat …\"rset=utf-8\\r\\n\\r\\nread 3\\nHTTP/1.1 400 Bad Request\\r\\nContent-Type: text/plain; charset=utf-…",
	"server/close-busy":                     "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"server/keepalives-off-busy":            "timing dependent on compat (passed in some runs): see /work/notes/httpdiff-findings.md",
	"server/keepalives-off-half-read":       "bytes: std \"HTTP/1.1 200 OK\\r\\nX-Path: /x\\r\\nDate: X\\r\\nContent-Length: 7\\r\\nContent-Type: text/plain; charset\", compat \"\"",
	"server/shutdown-new-partial":           "end: std \"open\", compat \"EOF\"; checks: std [\"open\"], compat [\"EOF\"]",
	"split/get/behind-post/*":               "after a served POST, a GET split in two segments: with a 150 ms gap compat parses it without its first byte (Method \"ET\"), every boundary; with 1 ms, some boundaries get 400 Bad Request and close (timing dependent)",
	"split/post/behind-get/*":               "after a served GET, a POST split in two segments: timing dependent, some boundaries differ (see findings)",
	"timeout/idle-partial-head":             "states: std [\"c1: new active idle closed\"], compat [\"c1: new active idle active closed\"]",
	"timeout/rht-in-headers":                "states: std [\"c1: new active closed\"], compat [\"c1: new closed\"]",
	"timeout/rht-in-line":                   "bytes: std \"HTTP/1.1 400 Bad Request\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nConnection: close\\r\\n\\r\\n40\", compat \"\"",
	"timeout/rht-second-request":            "bytes: std …\"lain; charset=utf-8\\r\\n\\r\\nread 0\\nHTTP/1.1 400 Bad Request\\r\\nContent-Type: text/plain",
	"timeout/rht-trickle":                   "states: std [\"c1: new active closed\"], compat [\"c1: new closed\"]",
	"timeout/write":                         "handler 0 context at return: std \"context canceled\", compat \"\"",
}

func acceptedFor(name string) string {
	for _, a := range acceptedDiverge {
		for _, p := range a.cases {
			if strings.HasPrefix(name, p) {
				return a.reason
			}
		}
	}
	return ""
}

func pendingFor(name string) (string, bool) {
	if why, ok := pendingDiverge[name]; ok {
		return why, true
	}
	for p, why := range pendingDiverge {
		if strings.HasSuffix(p, "*") && strings.HasPrefix(name, strings.TrimSuffix(p, "*")) {
			return why, true
		}
	}
	return "", false
}

// diffResult is one case run against both implementations.
type diffResult struct {
	ref, got diffObs
	err      error
}

// runDiffPair runs c against ref, then against impl.
func runDiffPair(c diffCase, ref, impl Impl) diffResult {
	var res diffResult
	if res.ref, res.err = runDiffCase(c, ref); res.err != nil {
		res.err = fmt.Errorf("%s: %w", ref.Name, res.err)
		return res
	}
	if res.got, res.err = runDiffCase(c, impl); res.err != nil {
		res.err = fmt.Errorf("%s: %w", impl.Name, res.err)
	}
	return res
}

// runDiffCases runs cs with up to n pairs at a time: a case spends most of
// its time asleep, so the pool keeps the run short without -parallel.
func runDiffCases(cs []diffCase, ref, impl Impl, n int) []diffResult {
	results := make([]diffResult, len(cs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = runDiffPair(cs[i], ref, impl)
		}(i)
	}
	wg.Wait()
	return results
}

func diffImpls() (ref, impl Impl, self bool) {
	if *diffSelf {
		other := Std
		other.Name = "std2"
		return Std, other, true
	}
	return Std, Compat, false
}

// TestHTTPDiff runs every differential case on net/http's Server and on
// compat/http's (on a compat/net listener), sending the same raw bytes,
// and fails on any difference that is neither accepted nor pending.
// With -httpdiff.self both sides are net/http: the check that the harness
// itself is deterministic.
func TestHTTPDiff(t *testing.T) {
	ref, impl, self := diffImpls()
	cs := diffCases(testing.Short())
	start := time.Now()
	results := runDiffCases(cs, ref, impl, 16)
	t.Logf("%d cases in %v", len(cs), time.Since(start).Round(time.Millisecond))
	pendingSeen, nowPass := 0, 0
	var findings []string
	for i, c := range cs {
		res := results[i]
		if res.err == nil && !self {
			if sum := res.ref.summary(res.got); sum != "" {
				findings = append(findings, fmt.Sprintf("- `%s`: %s\n  - sent: %s\n", c.name, sum, c.describe()))
			}
		}
		t.Run(c.name, func(t *testing.T) {
			if res.err != nil {
				t.Fatal(res.err)
			}
			diff := cmp.Diff(res.ref, res.got)
			if self {
				if diff != "" {
					t.Errorf("net/http differs from itself (-first +second):\n%s", diff)
				}
				return
			}
			why, pending := pendingFor(c.name)
			switch {
			case diff == "" && pending:
				nowPass++
				t.Logf("now passes, remove from pendingDiverge (%q)", why)
			case diff == "":
			case acceptedFor(c.name) != "":
				t.Logf("accepted divergence (%s):\n%s", acceptedFor(c.name), diff)
			case pending:
				pendingSeen++
				t.Logf("pending divergence (%s) (-std +compat):\n%s", why, diff)
			default:
				t.Errorf("std and compat differ (-std +compat):\n%s", diff)
			}
		})
	}
	if !self {
		t.Logf("pending divergences seen: %d; pending cases that now pass: %d", pendingSeen, nowPass)
	}
	if *diffFindings != "" {
		text := fmt.Sprintf("%d of %d cases diverge\n\n%s", len(findings), len(cs), strings.Join(findings, ""))
		if err := os.WriteFile(*diffFindings, []byte(text), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// TestHTTPDiffConnsReleased is issue 11's first bug: connections that were
// served and closed must not stay reachable from the Server. It serves
// many malformed requests and POSTs, each on its own connection, and
// compares the heap growth per connection between net/http and compat/http.
func TestHTTPDiffConnsReleased(t *testing.T) {
	n := 800
	if testing.Short() {
		n = 300
	}
	ref, impl, _ := diffImpls()
	var obs []string
	for _, im := range []Impl{ref, impl} {
		for _, kind := range []string{"BAD\r\n\r\n", diffPost + "\r\n"} {
			per, err := heapPerConn(im, kind, n)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %.12q: %.0f bytes of heap per closed connection", im.Name, kind, per)
			// 256 bytes: well above noise, well below a retained conn.
			obs = append(obs, fmt.Sprintf("%.12q retained: %v", kind, per > 256))
		}
	}
	half := len(obs) / 2
	diff := cmp.Diff(obs[:half], obs[half:])
	why, pending := pendingFor("conns-released")
	switch {
	case diff != "" && pending:
		t.Logf("pending divergence (%s): heap retained per closed connection differs (-%s +%s):\n%s", why, ref.Name, impl.Name, diff)
	case diff != "":
		t.Errorf("heap retained per closed connection differs (-%s +%s):\n%s", ref.Name, impl.Name, diff)
	case pending:
		t.Logf("now passes, remove conns-released from pendingDiverge (%q)", why)
	}
}

func heapPerConn(impl Impl, raw string, n int) (float64, error) {
	r := &diffRun{started: make(chan struct{}, 1), release: make(chan struct{})}
	r.states.countOnly = true
	ln, err := impl.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := newDiffServer(impl, diffServer{}, r)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() { srv.Close(); <-served }()
	one := func() error {
		cc, err := dialClient(ln.Addr().String())
		if err != nil {
			return err
		}
		cc.c.Write([]byte(raw))
		cc.c.CloseWrite()
		cc.finish(5 * time.Second)
		return nil
	}
	// Warm up pools and maps, then measure.
	for i := 0; i < 50; i++ {
		if err := one(); err != nil {
			return 0, err
		}
	}
	var before, after runtime.MemStats
	dialed := 50
	settleHeap := func(m *runtime.MemStats) {
		deadline := time.Now().Add(3 * time.Second)
		for r.states.endedCount() < dialed && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(m)
	}
	settleHeap(&before)
	dialed += n
	for i := 0; i < n; i++ {
		if err := one(); err != nil {
			return 0, err
		}
	}
	settleHeap(&after)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n), nil
}

// FuzzHTTPDiff sends arbitrary bytes, in two segments split at a fuzzed
// point with a short or a long pause between them, to net/http's Server
// and compat/http's, and fails on any difference. The seeds are request
// shapes that both serve alike today.
func FuzzHTTPDiff(f *testing.F) {
	n := 0
	for _, s := range diffShapes {
		if _, pending := pendingFor("alone/" + s.name); pending || len(s.raw) > 4096 || s.srv != (diffServer{}) {
			continue
		}
		// One seed in four keeps the plain test run short.
		if n++; n%4 == 0 {
			f.Add([]byte(s.raw), uint16(len(s.raw)/2), n%8 == 0)
		}
	}
	ref, impl, _ := diffImpls()
	f.Fuzz(func(t *testing.T, data []byte, at uint16, long bool) {
		if len(data) == 0 || len(data) > 8<<10 {
			return
		}
		k := int(at) % (len(data) + 1)
		d := diffShort
		if long {
			d = diffLong
		}
		c := diffCase{name: "fuzz", settle: 150 * time.Millisecond,
			steps: splitSteps([]string{string(data[:k]), string(data[k:])}, d)}
		res := runDiffPair(c, ref, impl)
		if res.err != nil {
			t.Fatal(res.err)
		}
		if sum := res.ref.summary(res.got); sum != "" {
			t.Errorf("%s and %s differ: %s\nsent: %s", ref.Name, impl.Name, sum, c.describe())
		}
	})
}
