package http_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	stdnet "net"
	stdhttp "net/http"
	"sync"
	"testing"
	"time"

	http "github.com/evshim/evshim/compat/http"
)

// TestShutdownWhileParking runs keep-alive clients with short random
// pauses (so connections park, are dispatched and finish requests, all
// at once) and shuts the server down in the middle. Shutdown must return, every request that got an answer must
// have a whole one, and no goroutine may be left (goleak, in TestMain).
func TestShutdownWhileParking(t *testing.T) {
	srv := &http.Server{Handler: hello}
	addr := serve(t, srv)
	const clients = 50
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := stdnet.Dial("tcp", addr)
			if err != nil {
				return // the listener may be closed already
			}
			defer c.Close()
			br := bufio.NewReader(c)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				c.SetDeadline(time.Now().Add(30 * time.Second))
				path := fmt.Sprintf("/c%d/r%d", i, n)
				if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
					return
				}
				resp, err := stdhttp.ReadResponse(br, nil)
				if err != nil {
					return // closed by the shutdown: fine
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && string(body) != "hello "+path {
					errs <- fmt.Errorf("%s: got %q", path, body)
					return
				}
				// 0–8 ms: some pauses end inside the grace wait, some after.
				time.Sleep(time.Duration(rand.IntN(8000)) * time.Microsecond)
			}
		}(i)
	}
	time.Sleep(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
