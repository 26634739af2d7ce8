package shimtest

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	diffSelf     = flag.Bool("httpdiff.self", false, "TestHTTPDiff compares net/http with itself (the harness's determinism check)")
	diffCaseRE   = flag.String("httpdiff.case", "", "TestHTTPDiff runs only the cases whose name matches this regexp")
	diffFindings = flag.String("httpdiff.findings", "", "TestHTTPDiff writes every divergence, pending or not, to this file (markdown)")
	diffReruns   = flag.Int("httpdiff.reruns", 2, "TestHTTPDiff reruns a divergent case up to this many times before failing it; 0 fails the first divergence (a stress run: -count=50 -httpdiff.case=...)")
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
	{reason: "compat/http's ResponseWriter returns ErrHijacked from Flush after Hijack where net/http's panics; " +
		"the handler does not Flush after Hijack"},
}

// pendingDiverge lists the cases that compat/http does not yet pass, by
// name or by a name prefix ending in "*", with the difference observed
// (none since compat/http judges a header line as soon as net/http's reader
// does, FuzzHTTPDiff's third find). They are run and
// their differences logged, not failed; a pending case that passes is
// logged too, so that the entry is removed. Shrink this set; an entry
// added to make a run green must say exactly what differs.
var pendingDiverge = map[string]string{}

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

// runFiltered keeps the cases that -run's sub-test patterns select: the
// pool runs cases before their sub-tests exist, so without this
// -run TestHTTPDiff/NAME would run every case and report one. A pattern
// element that does not compile selects everything (testing reports it).
func runFiltered(cs []diffCase) []diffCase {
	f := flag.Lookup("test.run")
	if f == nil {
		return cs
	}
	elems := strings.Split(f.Value.String(), "/")
	if len(elems) < 2 {
		return cs
	}
	var res []*regexp.Regexp
	for _, e := range elems[1:] {
		re, err := regexp.Compile(e)
		if err != nil {
			return cs
		}
		res = append(res, re)
	}
	var keep []diffCase
	for _, c := range cs {
		parts := strings.Split(c.name, "/")
		ok := true
		for i, re := range res {
			if i < len(parts) && !re.MatchString(parts[i]) {
				ok = false
			}
		}
		if ok {
			keep = append(keep, c)
		}
	}
	return keep
}

// diffResult is one case run against both implementations.
type diffResult struct {
	ref, got diffObs
	err      error
	took     time.Duration
	flaky    string // the first run's divergence, if a rerun was clean
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
			start := time.Now()
			results[i] = runDiffPair(cs[i], ref, impl)
			results[i].took = time.Since(start)
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
	cs := runFiltered(diffCases(testing.Short()))
	if *diffCaseRE != "" {
		re, err := regexp.Compile(*diffCaseRE)
		if err != nil {
			t.Fatal(err)
		}
		var keep []diffCase
		for _, c := range cs {
			if re.MatchString(c.name) {
				keep = append(keep, c)
			}
		}
		cs = keep
	}
	start := time.Now()
	results := runDiffCases(cs, ref, impl, 16)
	t.Logf("%d cases in %v", len(cs), time.Since(start).Round(time.Millisecond))
	// A case that diverges and is not pending runs again, up to
	// -httpdiff.reruns times, a few at a time: on a loaded machine a
	// server can miss the settle time. A case clean on a rerun is logged
	// with its first divergence, and counted; a case that diverges the
	// same way twice fails at once, as does any divergence with
	// -httpdiff.reruns=0 (the stress mode, which hides nothing).
	var again []diffCase
	var againAt []int
	for i, c := range cs {
		res := results[i]
		if _, pending := pendingFor(c.name); res.err == nil && (self || !pending) && res.ref.summary(res.got) != "" {
			again, againAt = append(again, c), append(againAt, i)
		}
	}
	for try := 0; try < *diffReruns && len(again) > 0; try++ {
		reruns := runDiffCases(again, ref, impl, 4)
		var still []diffCase
		var stillAt []int
		for j, res := range reruns {
			i := againAt[j]
			first := results[i].ref.summary(results[i].got)
			switch {
			case res.err == nil && res.ref.summary(res.got) == "":
				results[i].flaky = first
				results[i].ref, results[i].got = res.ref, res.got
			case res.err == nil && res.ref.summary(res.got) == first:
				// The same divergence twice: not load, a bug.
			default:
				results[i] = res
				still, stillAt = append(still, again[j]), append(stillAt, i)
			}
		}
		again, againAt = still, stillAt
	}
	flaky := 0
	for _, res := range results {
		if res.flaky != "" {
			flaky++
		}
	}
	if flaky > 0 {
		t.Logf("%d cases diverged once and were clean on a rerun (see their logs; stress them with -httpdiff.reruns=0)", flaky)
	}
	pendingSeen, nowPass := 0, 0
	var findings []string
	for i, c := range cs {
		res := results[i]
		if d := res.took; d > 3*time.Second {
			t.Logf("%s took %v", c.name, d.Round(time.Millisecond))
		}
		if res.err == nil && !self {
			if sum := res.ref.summary(res.got); sum != "" {
				findings = append(findings, fmt.Sprintf("- `%s`: %s\n  - sent: %s\n", c.name, sum, c.describe()))
			} else if res.flaky != "" {
				findings = append(findings, fmt.Sprintf("- `%s` (once, clean on a rerun): %s\n  - sent: %s\n", c.name, res.flaky, c.describe()))
			}
		}
		t.Run(c.name, func(t *testing.T) {
			if res.err != nil {
				t.Fatal(res.err)
			}
			if res.flaky != "" {
				t.Logf("diverged once (under load?), clean on a rerun; the first run: %s", res.flaky)
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
	// A retained connection (Server.conns kept every one served by
	// net/http's code: about 1,050 bytes after "BAD", 1,400 after a POST)
	// shows as heap per closed connection beyond the reference's. The
	// reference itself measures 0 to about 500 bytes under -race and a
	// busy machine, so the two are compared with a margin, not each
	// against a fixed line.
	//
	// A retained connection shows on every run; a busy machine's noise
	// (a settle wait that ran out, a pool refilled) on one: so a kind that
	// looks retained is measured again, and counts as retained only if it
	// does so twice, as TestHTTPDiff reruns a case that diverged.
	const margin = 400
	retained := func(kind string) (bool, error) {
		var per [2]float64
		for i, im := range []Impl{ref, impl} {
			p, err := heapPerConn(im, kind, n)
			if err != nil {
				return false, err
			}
			per[i] = p
			t.Logf("%s %.12q: %.0f bytes of heap per closed connection", im.Name, kind, p)
		}
		return per[1]-per[0] > margin, nil
	}
	var obs, want []string
	for _, kind := range []string{"BAD\r\n\r\n", diffPost + "\r\n"} {
		kept, err := retained(kind)
		if err == nil && kept {
			t.Logf("%.12q: looks retained, measuring again", kind)
			kept, err = retained(kind)
		}
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%.12q retained: false", kind))
		obs = append(obs, fmt.Sprintf("%.12q retained: %v", kind, kept))
	}
	diff := cmp.Diff(want, obs)
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
	goroutines := runtime.NumGoroutine()
	one := func() error {
		cc, err := dialClient(ln.Addr().String())
		if err != nil {
			return err
		}
		cc.c.Write([]byte(raw))
		cc.c.CloseWrite()
		cc.finish(5*time.Second, func() bool { return false }, func() bool { return false })
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
		// Goroutines that served the connections (net/http's per-conn
		// ones, compat/http's pooled workers, which leave after 2 s idle)
		// hold heap until they exit: wait for them, so that the heap is
		// compared where it started.
		deadline = time.Now().Add(6 * time.Second)
		for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
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
		// As in TestHTTPDiff, a divergence must survive two reruns: a
		// split input races the server's close against the second write.
		var res diffResult
		for try := 0; try < 3; try++ {
			if res = runDiffPair(c, ref, impl); res.err != nil {
				t.Fatal(res.err)
			}
			if res.ref.summary(res.got) == "" {
				return
			}
		}
		if sum := res.ref.summary(res.got); sum != "" {
			t.Errorf("%s and %s differ: %s\nsent: %s", ref.Name, impl.Name, sum, c.describe())
		}
	})
}
