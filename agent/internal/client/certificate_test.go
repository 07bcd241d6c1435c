package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"certinel.dev/agent/internal/identity"
	"certinel.dev/shared/wire"
)

// seen records what a TLS test server received.
type seen struct {
	mu       sync.Mutex
	requests int
	certs    int // requests that came with a client certificate
	header   http.Header
	body     []byte
}

// tlsServer answers every request with an empty targets list (or a
// certificate for the enroll path), asking for client certificates like
// certinel-server.
func tlsServer(t *testing.T) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests++
		if len(r.TLS.PeerCertificates) > 0 {
			s.certs++
		}
		s.header, s.body = r.Header.Clone(), body
		s.mu.Unlock()
		if r.URL.Path == "/"+wire.EnrollPath {
			_ = json.NewEncoder(w).Encode(wire.CertificateResponse{Certificate: "pem", Serial: "1"})
			return
		}
		_ = json.NewEncoder(w).Encode(wire.TargetsResponse{})
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, s
}

func tlsClient(t *testing.T, srv *httptest.Server, opts Options) *Client {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	opts.BaseURL, opts.RootCAs, opts.Version = u, roots, "1.2.3"
	opts.Backoff, opts.Logger = fast(), slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(opts)
}

// clientCert is a self-signed client certificate: the test server only
// looks at whether one came.
func clientCert(t *testing.T) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "agent"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestServerPin(t *testing.T) {
	srv, s := tlsServer(t)
	leaf := srv.Certificate()
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	whole := sha256.Sum256(leaf.Raw)
	wrong := sha256.Sum256([]byte("another server"))
	for _, tc := range []struct {
		name string
		pin  []byte
		ok   bool
	}{
		{"spki", spki[:], true},
		{"whole certificate", whole[:], true},
		{"wrong", wrong[:], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.mu.Lock()
			before := s.requests
			s.mu.Unlock()
			c := tlsClient(t, srv, Options{Certificate: clientCert(t), ServerPin: identity.VerifyPin(tc.pin)})
			_, err := c.Targets(context.Background(), wire.Parked{})
			s.mu.Lock()
			reached := s.requests - before
			s.mu.Unlock()
			if tc.ok && (err != nil || reached != 1) {
				t.Fatalf("right pin: %v, %d requests reached the server", err, reached)
			}
			if !tc.ok {
				if !errors.Is(err, identity.ErrPinMismatch) {
					t.Errorf("wrong pin: error %v, want the pin mismatch", err)
				}
				if reached != 0 {
					t.Errorf("wrong pin: %d requests reached the server, want none", reached)
				}
			}
		})
	}
}

func TestCertificateAloneAuthenticates(t *testing.T) {
	srv, s := tlsServer(t)
	c := tlsClient(t, srv, Options{Certificate: clientCert(t)})
	if _, err := c.Targets(context.Background(), wire.Parked{}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.certs != 1 {
		t.Errorf("%d of %d requests carried the client certificate", s.certs, s.requests)
	}
	if s.header.Get("Authorization") != "" || s.header.Get(wire.AgentTokenHeader) != "" {
		t.Errorf("a certificate agent without tokens sent %v", s.header)
	}
}

func TestEnrollSendsJoinTokenAndPlainJSON(t *testing.T) {
	srv, s := tlsServer(t)
	c := tlsClient(t, srv, Options{})
	if _, err := c.Enroll(context.Background(), "cnl_join_secret", wire.CertificateRequest{CSR: "csr"}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var got wire.CertificateRequest
	if err := json.Unmarshal(s.body, &got); err != nil || got.CSR != "csr" {
		t.Errorf("body %q: %v", s.body, err)
	}
	if s.header.Get("Authorization") != "Bearer cnl_join_secret" || s.header.Get("Content-Encoding") != "" {
		t.Errorf("headers %v: want the join token as bearer, no gzip", s.header)
	}
}
