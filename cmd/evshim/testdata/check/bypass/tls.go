package bypass

import (
	"crypto/tls"
	"net"
)

// Each dials or listens with the standard library's net package.
func TLS(cfg *tls.Config) {
	tls.Dial("tcp", "127.0.0.1:1", cfg)
	tls.DialWithDialer(&net.Dialer{}, "tcp", "127.0.0.1:1", cfg)
	tls.Listen("tcp", "127.0.0.1:0", cfg)
}
