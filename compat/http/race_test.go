package http_test

import (
	"io"
	stdhttp "net/http"
	"net/http/httptest"
	"os"
	"testing"

	http "github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/internal/testenv"
)

// raceCaseEnv names the case a child process of TestRaceEdges runs.
const raceCaseEnv = "EVSHIM_HTTP_RACE_CASE"

// raceServers start a server whose handler runs h, standard library's or
// compat/http's, and return its URL; raceClients are the two clients.
var raceServers = []struct {
	name  string
	start func(t *testing.T, h stdhttp.HandlerFunc) string
}{
	{"server=std", func(t *testing.T, h stdhttp.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}},
	{"server=compat", func(t *testing.T, h stdhttp.HandlerFunc) string {
		return "http://" + serve(t, &http.Server{Handler: h})
	}},
}

var raceClients = []struct {
	name   string
	client func(t *testing.T) *stdhttp.Client
}{
	{"client=std", func(t *testing.T) *stdhttp.Client {
		tr := &stdhttp.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		return &stdhttp.Client{Transport: tr}
	}},
	{"client=compat", func(t *testing.T) *stdhttp.Client {
		t.Cleanup(http.DefaultClient.CloseIdleConnections)
		return http.DefaultClient
	}},
}

// TestRaceEdges: an HTTP exchange orders, for the race detector, what the
// client did before sending a request with what the handler does, and
// what the handler did before answering with what the client does after
// reading the answer, as between net/http's own client and server (their
// connections' syscall.Write and syscall.Read give that edge). Each case
// sets a plain variable on one side and reads it on the other; without the
// edge -race reports a data race. A migrated router's test suite, with an
// httptest server and compat/http's DefaultClient, reported 17 such races
// before the loop used syscall's Read and Write (issue 12). Each case runs
// in its own process: the race detector reports a racing pair of code
// locations once per process.
func TestRaceEdges(t *testing.T) {
	if !testenv.RaceEnabled {
		t.Skip("shows something only under -race")
	}
	for _, name := range raceCaseNames() {
		t.Run(name, func(t *testing.T) {
			testenv.RunRaceChild(t, "^TestRaceEdgeChild$", raceCaseEnv, name)
		})
	}
}

func raceCaseNames() []string {
	var names []string
	for _, s := range raceServers {
		for _, c := range raceClients {
			if s.name == "server=std" && c.name == "client=std" {
				continue // the standard library alone: nothing of ours
			}
			for _, dir := range []string{"client-writes", "server-writes"} {
				names = append(names, s.name+"/"+c.name+"/"+dir)
			}
		}
	}
	return names
}

// TestRaceEdgeChild is one case of TestRaceEdges, in a child process.
func TestRaceEdgeChild(t *testing.T) {
	name := os.Getenv(raceCaseEnv)
	if name == "" {
		t.Skip("runs in TestRaceEdges' child processes")
	}
	for _, s := range raceServers {
		for _, c := range raceClients {
			for _, dir := range []string{"client-writes", "server-writes"} {
				if s.name+"/"+c.name+"/"+dir == name {
					raceExchange(t, s.start, c.client(t), dir == "client-writes")
					return
				}
			}
		}
	}
	t.Fatalf("no case %q", name)
}

// raceExchange makes one request. With clientWrites the client sets the
// variable before the request and the handler reads it; else the handler
// sets it before answering and the client reads it after the body.
func raceExchange(t *testing.T, start func(*testing.T, stdhttp.HandlerFunc) string, client *stdhttp.Client, clientWrites bool) {
	shared := new(int)
	seen := make(chan int, 1)
	url := start(t, func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
		if clientWrites {
			seen <- *shared // a data race unless the request's bytes ordered it
		} else {
			*shared = 42
		}
		io.WriteString(w, "ok")
	})
	if clientWrites {
		*shared = 42
	}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "ok" {
		t.Fatalf("body %q, %v", body, err)
	}
	got := 0
	if clientWrites {
		got = <-seen
	} else {
		got = *shared // a data race unless the response's bytes ordered it
	}
	if got != 42 {
		t.Fatalf("the other side saw %d, not 42", got)
	}
}
