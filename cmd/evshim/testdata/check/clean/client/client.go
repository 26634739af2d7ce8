// Package client reaches compat/http and compat/net through api.
package client

import (
	"context"
	"io"

	"example.com/clean/api"
)

// Fetch gets url with api's client.
func Fetch(url string) ([]byte, error) {
	resp, err := api.Client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Ping dials addr.
func Ping(addr string) error {
	c, err := api.Dial(context.Background(), addr)
	if err != nil {
		return err
	}
	return c.Close()
}
