package probe

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// benchServer is one local TLS listener that handshakes and hangs up, as most targets do.
func benchServer(b *testing.B) *net.TCPAddr {
	cert := selfSigned(b, leafSpec{})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c.SetDeadline(time.Now().Add(10 * time.Second))
				c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}

func BenchmarkProbeTLS(b *testing.B) {
	addr := benchServer(b)
	req := Request{Host: "127.0.0.1", Port: addr.Port, Protocol: "tls", SNI: "bench.test"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if res, err := Probe(b.Context(), req); err != nil || res.TLSVersion == "" {
				b.Fatal(err, res.HandshakeError)
			}
		}
	})
}

// BenchmarkPlainTLSDial is the baseline: what a pool of bare tls.Dial calls achieves.
func BenchmarkPlainTLSDial(b *testing.B) {
	addr := benchServer(b)
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "bench.test"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, err := tls.DialWithDialer(dialer, "tcp", addr.String(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
}
