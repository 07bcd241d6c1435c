package discovery

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// selfSigned makes a certificate for name and returns it with the hex
// SHA-256 of its DER, the fingerprint the server will see.
func selfSigned(t *testing.T, name string) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hex.EncodeToString(sum[:])
}

// listen binds addr and serves each connection with handle until the test ends.
func listen(t *testing.T, addr string, handle func(net.Conn)) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { defer c.Close(); handle(c) })
		}
	})
}

// freePort finds a port number free on an address outside the swept ranges;
// loopback addresses have separate port spaces, so it is almost surely free
// on the swept ones too.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.250:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func serveTLS(cert tls.Certificate) func(net.Conn) {
	return func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_ = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	}
}

// serveSMTP speaks enough SMTP for a STARTTLS upgrade; without cert it
// does not offer STARTTLS, like a mail server without TLS.
func serveSMTP(cert *tls.Certificate) func(net.Conn) {
	return func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		_, _ = c.Write([]byte("220 mx.test ESMTP\r\n"))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO") && cert != nil:
				_, _ = c.Write([]byte("250-mx.test\r\n250 STARTTLS\r\n"))
			case strings.HasPrefix(cmd, "EHLO"):
				_, _ = c.Write([]byte("250 mx.test\r\n"))
			case cmd == "STARTTLS" && cert != nil:
				_, _ = c.Write([]byte("220 go ahead\r\n"))
				_ = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*cert}}).Handshake()
				return
			default:
				_, _ = c.Write([]byte("502 no\r\n"))
			}
		}
	}
}

// servePlain is a TCP service that is not TLS: it greets and hangs up.
func servePlain(c net.Conn) { _, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n")) }
