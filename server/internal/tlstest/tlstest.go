// Package tlstest serves certificate chains on loopback for tests that
// check endpoints the way the server does.
package tlstest

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"testing"
)

// ServeChain serves the chain, leaf first, on a loopback TLS listener
// closed at cleanup, and returns its port.
func ServeChain(t testing.TB, chain []*x509.Certificate, key crypto.Signer) int {
	t.Helper()
	return ServeStapled(t, chain, key, nil)
}

// ServeStapled is ServeChain with staple as the OCSP response stapled in
// every handshake (none when nil).
func ServeStapled(t testing.TB, chain []*x509.Certificate, key crypto.Signer, staple []byte) int {
	t.Helper()
	cert := tls.Certificate{PrivateKey: key, OCSPStaple: staple}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}
