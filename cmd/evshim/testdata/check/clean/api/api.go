// Package api is the shared part of a clean module: it uses only compat
// packages, and reaches evshim's own dependencies (gnet and its logger,
// x/net) only through them.
package api

import (
	"context"
	"fmt"
	"time"

	"github.com/evshim/evshim/compat/http"
	"github.com/evshim/evshim/compat/net"
)

// Client dials through the loop: its Transport is compat/http's.
var Client = &http.Client{Transport: http.DefaultTransport, Timeout: 5 * time.Second}

// Transport is a hand-built Transport that dials through compat/net.
var Transport = &http.Transport{DialContext: (&net.Dialer{Timeout: time.Second}).DialContext}

// Dial dials through the loop.
func Dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return c, nil
}
