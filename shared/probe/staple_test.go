package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// stapled serves cert with staple as its OCSP response. crypto/tls does not read a
// staple's content, so any bytes stand for one.
func stapled(cert tls.Certificate, staple []byte) tls.Certificate {
	cert.OCSPStaple = staple
	return cert
}

func TestProbeCapturesStaple(t *testing.T) {
	cert := newCA(t).leaf(t, leafSpec{})
	staple := make([]byte, 1500)
	rand.Read(staple)
	version := func(v uint16) func(*tls.Config) {
		return func(c *tls.Config) { c.MinVersion, c.MaxVersion = v, v }
	}
	clientAuth := func(c *tls.Config) { c.ClientAuth = tls.RequireAnyClientCert }
	tests := []struct {
		name     string
		protocol string
		script   script
		staple   []byte
		opts     []func(*tls.Config)
		// handshakeErr: the handshake fails after the staple was read.
		handshakeErr bool
	}{
		{name: "TLS 1.3", protocol: "tls", staple: staple},
		{name: "TLS 1.2", protocol: "tls", staple: staple, opts: []func(*tls.Config){version(tls.VersionTLS12)}},
		{name: "smtp STARTTLS", protocol: "smtp", script: smtpServer("STARTTLS"), staple: staple},
		{name: "client certificate required", protocol: "tls", staple: staple,
			opts: []func(*tls.Config){version(tls.VersionTLS12), clientAuth}, handshakeErr: true},
		{name: "not stapled", protocol: "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveTLS(t, stapled(cert, tt.staple), tt.script, tt.opts...)
			res := probeOK(t, Request{Host: srv.host, Port: srv.port, Protocol: tt.protocol, SNI: "mail.test"})
			checkChain(t, res, cert)
			if !bytes.Equal(res.OCSPStaple, tt.staple) || res.StapleDropped != 0 {
				t.Errorf("staple of %d bytes (dropped %d), want %d bytes", len(res.OCSPStaple), res.StapleDropped, len(tt.staple))
			}
			if (res.HandshakeError != "") != tt.handshakeErr {
				t.Errorf("HandshakeError %q", res.HandshakeError)
			}
		})
	}
}

// TestFetchCarriesStaple checks the wire form: base64 of the DER. A large staple
// is carried whole; TLS 1.2 is used as TLS 1.3 cannot fit one in a certificate
// extension.
func TestFetchCarriesStaple(t *testing.T) {
	cert := newCA(t).leaf(t, leafSpec{})
	staple := bytes.Repeat([]byte{0x30}, 60<<10)
	srv := serveTLS(t, stapled(cert, staple), nil, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 })
	r := FetchOne(context.Background(), wire.Target{ID: "t", Host: srv.host, Port: srv.port, Protocol: "tls"},
		FetchOptions{Timeout: 5 * time.Second})
	if r.Error != "" || len(r.Chain) != len(cert.Certificate) {
		t.Fatalf("error %q, chain of %d", r.Error, len(r.Chain))
	}
	if got, _ := base64.StdEncoding.DecodeString(r.OCSPStaple); !bytes.Equal(got, staple) || r.OCSPStapleDropped != 0 {
		t.Errorf("staple of %d bytes, dropped %d; want %d bytes", len(got), r.OCSPStapleDropped, len(staple))
	}
}

// TestOversizeStapleDropped gives the capture a staple over the bound, as a TLS
// stack that reads larger handshake messages than crypto/tls (64 KiB) would.
func TestOversizeStapleDropped(t *testing.T) {
	for _, size := range []int{wire.MaxOCSPStaple, wire.MaxOCSPStaple + 1, 1 << 20} {
		var c capture
		if err := c.keepStaple(tls.ConnectionState{OCSPResponse: make([]byte, size)}); err != nil {
			t.Fatal(err)
		}
		if kept := size <= wire.MaxOCSPStaple; kept != (len(c.staple) == size) || kept != (c.dropped == 0) {
			t.Errorf("%d bytes: kept %d, dropped %d", size, len(c.staple), c.dropped)
		}
		if size > wire.MaxOCSPStaple && (c.staple != nil || c.dropped != size) {
			t.Errorf("%d bytes: kept %d, dropped %d; want it dropped with its size", size, len(c.staple), c.dropped)
		}
	}
}
