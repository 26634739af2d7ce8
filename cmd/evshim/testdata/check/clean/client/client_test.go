package client

import "testing"

func TestPingRefused(t *testing.T) {
	if err := Ping("127.0.0.1:1"); err == nil {
		t.Skip("something listens on port 1")
	}
}
