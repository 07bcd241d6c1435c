package probe

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func probeOK(t *testing.T, req Request) Result {
	t.Helper()
	if req.Timeout == 0 {
		req.Timeout = 5 * time.Second
	}
	res, err := Probe(t.Context(), req)
	if err != nil {
		t.Fatalf("Probe(%+v): %v", req, err)
	}
	return res
}

func checkChain(t *testing.T, res Result, served tls.Certificate) {
	t.Helper()
	if got, want := fingerprints(res.Chain), fingerprints(served.Certificate); !slices.Equal(got, want) {
		t.Errorf("chain fingerprints\n got %v\nwant %v", got, want)
	}
}

func TestProbeCapturesChain(t *testing.T) {
	ca := newCA(t)
	inter := ca.intermediate(t)
	clientAuth := func(version uint16) func(*tls.Config) {
		return func(c *tls.Config) {
			c.ClientAuth, c.MinVersion, c.MaxVersion = tls.RequireAnyClientCert, version, version
		}
	}
	tests := []struct {
		name         string
		cert         tls.Certificate
		opts         []func(*tls.Config)
		version      string // "" when the handshake must fail after the capture
		cipher       string // checked when set
		handshakeErr bool
	}{
		{name: "self-signed", cert: selfSigned(t, leafSpec{}), version: "TLS 1.3"},
		{name: "expired", cert: ca.leaf(t, leafSpec{notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)}), version: "TLS 1.3"},
		{name: "wrong host name", cert: ca.leaf(t, leafSpec{dnsNames: []string{"other.example"}}), version: "TLS 1.3"},
		{name: "rsa leaf", cert: ca.leaf(t, leafSpec{key: "rsa"}), version: "TLS 1.3"},
		{name: "ecdsa leaf", cert: ca.leaf(t, leafSpec{key: "ecdsa"}), version: "TLS 1.3"},
		{name: "ed25519 leaf", cert: ca.leaf(t, leafSpec{key: "ed25519"}), version: "TLS 1.3"},
		{name: "leaf then intermediate", cert: inter.leaf(t, leafSpec{}), version: "TLS 1.3"},
		{
			name: "client certificate required, TLS 1.2", cert: ca.leaf(t, leafSpec{}),
			opts: []func(*tls.Config){clientAuth(tls.VersionTLS12)}, handshakeErr: true,
		},
		// In TLS 1.3 the client's handshake is over before the server looks at the client
		// certificate, so the probe may or may not see the server's alert.
		{name: "client certificate required, TLS 1.3", cert: ca.leaf(t, leafSpec{}), opts: []func(*tls.Config){clientAuth(tls.VersionTLS13)}},
		{
			name: "TLS 1.0 only", cert: ca.leaf(t, leafSpec{key: "rsa"}), version: "TLS 1.0",
			opts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS10 }},
		},
		{
			name: "RSA key exchange with 3DES", cert: ca.leaf(t, leafSpec{key: "rsa"}), version: "TLS 1.2",
			cipher: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
			opts: []func(*tls.Config){func(c *tls.Config) {
				c.MaxVersion, c.CipherSuites = tls.VersionTLS12, []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveTLS(t, tt.cert, nil, tt.opts...)
			res := probeOK(t, Request{Host: srv.host, Port: srv.port, Protocol: "tls"})
			checkChain(t, res, tt.cert)
			if res.Address != srv.addr {
				t.Errorf("Address = %q, want %q", res.Address, srv.addr)
			}
			if tt.version != "" && (res.TLSVersion != tt.version || res.HandshakeError != "") {
				t.Errorf("TLSVersion = %q, HandshakeError = %q; want %q and none", res.TLSVersion, res.HandshakeError, tt.version)
			}
			if tt.cipher != "" && res.CipherSuite != tt.cipher {
				t.Errorf("CipherSuite = %q, want %q", res.CipherSuite, tt.cipher)
			}
			if tt.handshakeErr && (res.HandshakeError == "" || res.TLSVersion != "" || res.CipherSuite != "") {
				t.Errorf("want a HandshakeError and no version or cipher, got %+v", res)
			}
			if res.Duration <= 0 {
				t.Errorf("Duration = %v", res.Duration)
			}
		})
	}
}

// sniServer serves cert and reports the server name each ClientHello carried.
func sniServer(t *testing.T, address string, cert tls.Certificate) (testServer, <-chan string) {
	names := make(chan string, 1)
	cfg := &tls.Config{GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		names <- hello.ServerName
		return &cert, nil
	}}
	return serve(t, address, nil, cfg), names
}

func TestProbeSNI(t *testing.T) {
	cert := selfSigned(t, leafSpec{})
	tests := []struct {
		name, host, sni, want string
	}{
		{name: "none for an IP", host: "127.0.0.1", want: ""},
		{name: "explicit for an IP", host: "127.0.0.1", sni: "probe.test", want: "probe.test"},
		{name: "host name by default", host: "svc.example", want: "svc.example"},
		{name: "explicit overrides host name", host: "svc.example", sni: "other.test", want: "other.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, names := sniServer(t, "127.0.0.1:0", cert)
			// Names resolve to the test server through Dial, as the server's guarded Dial
			// would resolve them to a vetted address.
			dial := func(ctx context.Context, network, address string) (net.Conn, error) {
				if !strings.HasPrefix(address, tt.host+":") {
					t.Errorf("Dial address %q, want host %q", address, tt.host)
				}
				var d net.Dialer
				return d.DialContext(ctx, network, srv.addr)
			}
			res := probeOK(t, Request{Host: tt.host, Port: srv.port, Protocol: "tls", SNI: tt.sni, Dial: dial})
			checkChain(t, res, cert)
			if got := <-names; got != tt.want {
				t.Errorf("server saw SNI %q, want %q", got, tt.want)
			}
			if res.Address != srv.addr {
				t.Errorf("Address = %q, want %q", res.Address, srv.addr)
			}
		})
	}
}

func TestProbeIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	cert := selfSigned(t, leafSpec{})
	srv, names := sniServer(t, "[::1]:0", cert)
	res := probeOK(t, Request{Host: "::1", Port: srv.port, Protocol: "tls"})
	checkChain(t, res, cert)
	if res.Address != srv.addr {
		t.Errorf("Address = %q, want %q", res.Address, srv.addr)
	}
	if got := <-names; got != "" {
		t.Errorf("server saw SNI %q for an IP literal", got)
	}
}
