package probe

import (
	"crypto/tls"
	"testing"
)

// TestProbeRecordsKeyExchange serves one post-quantum hybrid and two
// classical groups, over direct TLS and STARTTLS, and in TLS 1.2, where
// the group is negotiated by ECDHE and RSA key exchange is named RSA.
func TestProbeRecordsKeyExchange(t *testing.T) {
	cert := newCA(t).leaf(t, leafSpec{key: "rsa"})
	groups := func(ids ...tls.CurveID) func(*tls.Config) {
		return func(c *tls.Config) { c.CurvePreferences = ids }
	}
	tls12 := func(suite uint16) func(*tls.Config) {
		return func(c *tls.Config) {
			c.MaxVersion, c.CipherSuites = tls.VersionTLS12, []uint16{suite}
		}
	}
	tests := []struct {
		name     string
		protocol string
		script   script
		opts     []func(*tls.Config)
		want     string
	}{
		{"hybrid, direct", "tls", nil, []func(*tls.Config){groups(tls.X25519MLKEM768)}, "X25519MLKEM768"},
		{"x25519, direct", "tls", nil, []func(*tls.Config){groups(tls.X25519)}, "X25519"},
		{"hybrid, starttls", "smtp", smtpServer("STARTTLS"), []func(*tls.Config){groups(tls.X25519MLKEM768)}, "X25519MLKEM768"},
		{"p-256, starttls", "smtp", smtpServer("STARTTLS"), []func(*tls.Config){groups(tls.CurveP256)}, "CurveP256"},
		{"tls 1.2 ecdhe", "tls", nil, []func(*tls.Config){groups(tls.CurveP384), tls12(tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)}, "CurveP384"},
		{"tls 1.2 rsa key exchange", "tls", nil, []func(*tls.Config){tls12(tls.TLS_RSA_WITH_AES_128_GCM_SHA256)}, "RSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveTLS(t, cert, tt.script, tt.opts...)
			res := probeOK(t, Request{Host: srv.host, Port: srv.port, Protocol: tt.protocol, SNI: "a.test"})
			if res.KeyExchange != tt.want || res.HandshakeError != "" {
				t.Errorf("KeyExchange %q, HandshakeError %q; want %q", res.KeyExchange, res.HandshakeError, tt.want)
			}
		})
	}
}
