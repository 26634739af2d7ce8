package net_test

import (
	stdnet "net"
	"os"
	"sync"
	"testing"

	net "github.com/evshim/evshim/compat/net"
	"github.com/evshim/evshim/internal/testenv"
)

// racePairings are the three ways a compat connection meets a peer in one
// process: both ends compat, or one end the standard library's.
var racePairings = []struct {
	name   string
	listen func(network, addr string) (stdnet.Listener, error)
	dial   func(network, addr string) (stdnet.Conn, error)
}{
	{"server=compat/client=compat", net.Listen, net.Dial},
	{"server=std/client=compat", stdnet.Listen, net.Dial},
	{"server=compat/client=std", net.Listen, stdnet.Dial},
}

// TestRaceEdges: bytes sent over a connection order, for the race
// detector, what the sender did before Write with what the receiver does
// after Read, as they do between two standard library connections
// (syscall.Write releases, and syscall.Read acquires, one process-wide
// sync object). The writer goroutine sets a plain variable and writes;
// the reader reads, then reads the variable: without that edge -race
// reports a data race. Each case runs in a child process (the test binary
// again, see raceChild), since the race detector reports a racing pair of
// code locations once per process. Before the loop read and wrote with
// syscall's functions, every pairing with the standard library failed
// (golang.org/x/sys/unix annotates a separate object of its own).
func TestRaceEdges(t *testing.T) {
	if !testenv.RaceEnabled {
		t.Skip("shows something only under -race")
	}
	for _, p := range racePairings {
		for _, dir := range []string{"client-writes", "server-writes"} {
			t.Run(p.name+"/"+dir, func(t *testing.T) {
				testenv.RunRaceChild(t, "^TestRaceEdgeChild$", raceCaseEnv, p.name+"/"+dir)
			})
		}
	}
}

// raceCaseEnv names the case a child process of TestRaceEdges runs.
const raceCaseEnv = "EVSHIM_RACE_CASE"

// TestRaceEdgeChild is one case of TestRaceEdges, in a child process.
func TestRaceEdgeChild(t *testing.T) {
	name := os.Getenv(raceCaseEnv)
	if name == "" {
		t.Skip("runs in TestRaceEdges' child processes")
	}
	for _, p := range racePairings {
		for _, dir := range []string{"client-writes", "server-writes"} {
			if p.name+"/"+dir != name {
				continue
			}
			ln, err := p.listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			client, err := p.dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			server, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer server.Close()
			w, r := client, server
			if dir == "server-writes" {
				w, r = server, client
			}
			checkRaceEdge(t, w, r)
			return
		}
	}
	t.Fatalf("no case %q", name)
}

// checkRaceEdge writes a variable on a new goroutine before writing one
// byte on w, and reads it on this goroutine after reading that byte from
// r. Nothing else orders the two goroutines until the variable is read.
func checkRaceEdge(t *testing.T, w, r stdnet.Conn) {
	t.Helper()
	shared := new(int)
	var wg sync.WaitGroup
	wg.Add(1)
	var werr error
	go func() {
		defer wg.Done()
		*shared = 42
		_, werr = w.Write([]byte{1})
	}()
	buf := make([]byte, 1)
	n, err := r.Read(buf)
	got := *shared // a data race unless Write happened before Read
	wg.Wait()
	if werr != nil || err != nil || n != 1 {
		t.Fatalf("Write: %v; Read: %d, %v", werr, n, err)
	}
	if got != 42 {
		t.Fatalf("the reader saw %d before the writer's 42, after the byte that followed it", got)
	}
}
