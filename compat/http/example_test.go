package http_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	http "github.com/evshim/evshim/compat/http"
	net "github.com/evshim/evshim/compat/net"
)

// getBody fetches url with the default client and returns the status and body.
func getBody(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	return resp.Status + " " + string(body), nil
}

// ExampleServer_Serve is net/http's hello-world with the import swapped:
// the server's idle connections wait on evshim's loop, with no goroutine.
// The listener on 127.0.0.1:0 takes a free port where ListenAndServe(":8080",
// mux) would take a fixed one.
func ExampleServer_Serve() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s\n", r.PathValue("name"))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	reply, err := getBody("http://" + ln.Addr().String() + "/hello/gopher")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(reply)

	// Shutdown closes the listener and the idle connections; the client
	// closes its side of them too.
	if err := srv.Shutdown(context.Background()); err != nil {
		log.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
	fmt.Println(<-served)
	// Output:
	// 200 OK hello, gopher
	// http: Server closed
}

// ExampleServer_Shutdown shuts a server down while a request is in
// flight: Shutdown closes the listener at once, lets the request finish,
// and returns when no connection is active; Serve returns
// ErrServerClosed.
func ExampleServer_Shutdown() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	started, finish := make(chan struct{}), make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-finish // the request is in flight until the example says so
		io.WriteString(w, "finished\n")
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	replied := make(chan string, 1)
	go func() {
		reply, err := getBody("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			reply = err.Error()
		}
		replied <- reply
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	// Serve returns as soon as Shutdown has closed the listener.
	err = <-served
	fmt.Println("Serve:", err, errors.Is(err, http.ErrServerClosed))
	close(finish)
	fmt.Print("client: ", <-replied)
	fmt.Println("Shutdown:", <-shut)
	http.DefaultClient.CloseIdleConnections()
	// Output:
	// Serve: http: Server closed true
	// client: 200 OK finished
	// Shutdown: <nil>
}
