// Package tlsfarm runs TLS listeners on loopback with certificates made in
// the process, for the agent's tests and its benchmark. It is never linked
// into the shipped binary.
package tlsfarm

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// SelfSigned makes an ECDSA P-256 certificate for name and the loopback
// addresses, valid from an hour ago for a year.
func SelfSigned(name string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsfarm: key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsfarm: certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// Fingerprint is the hex SHA-256 of a DER certificate.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// Farm is a set of TLS listeners that answer handshakes and then hang up.
type Farm struct {
	Addrs     []string // host:port of each listener
	listeners []net.Listener
	wg        sync.WaitGroup
}

// Start opens n listeners on 127.0.0.1 serving cert.
func Start(n int, cert tls.Certificate) (*Farm, error) {
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	f := &Farm{}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("tlsfarm: listen: %w", err)
		}
		f.listeners = append(f.listeners, ln)
		f.Addrs = append(f.Addrs, ln.Addr().String())
		f.wg.Go(func() { Serve(ln, cfg) })
	}
	return f, nil
}

// Close stops every listener and waits for their accept loops.
func (f *Farm) Close() {
	for _, ln := range f.listeners {
		ln.Close()
	}
	f.wg.Wait()
}

// Serve accepts on ln until it is closed, completing one TLS handshake per
// connection and closing it, as a server would when the client leaves.
func Serve(ln net.Listener, cfg *tls.Config) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			tc := tls.Server(conn, cfg)
			if tc.Handshake() == nil {
				// Wait for the client to hang up, so the close is its doing.
				tc.Read(make([]byte, 1))
			}
		}()
	}
}
