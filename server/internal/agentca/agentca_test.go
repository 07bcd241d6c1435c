package agentca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net/url"
	"testing"
	"time"
)

func newAuthority(t *testing.T) *Authority {
	t.Helper()
	m, err := Generate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func request(t *testing.T, key any) *x509.CertificateRequest {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"},
		URIs: []*url.URL{{Scheme: "certinel", Host: "org", Path: "/other/agent/other"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseCSR(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	return csr
}

func TestIssueAndVerify(t *testing.T) {
	a := newAuthority(t)
	now := time.Now()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	id := Identity{OrgID: "org-1", AgentID: "agent-1"}
	issued, err := a.Issue(request(t, key), id, now)
	if err != nil {
		t.Fatal(err)
	}
	// The request asked for another identity: only its key was taken.
	got, serial, err := a.Verify([]*x509.Certificate{issued.Cert}, now)
	if err != nil || got != id || serial != issued.Serial {
		t.Fatalf("verify: %+v %s %v", got, serial, err)
	}
	if _, _, err := a.Verify([]*x509.Certificate{issued.Cert}, issued.Cert.NotAfter.Add(time.Second)); !errors.Is(err, ErrBadClient) {
		t.Errorf("expired certificate verified: %v", err)
	}
	if _, _, err := newAuthority(t).Verify([]*x509.Certificate{issued.Cert}, now); !errors.Is(err, ErrBadClient) {
		t.Errorf("another server's CA verified it: %v", err)
	}
	second, err := a.Issue(request(t, key), id, now)
	if err != nil || second.Serial == issued.Serial {
		t.Errorf("second certificate: serial %s after %s, %v", second.Serial, issued.Serial, err)
	}
}

func TestParseCSRRefusesWhatItCannotTrust(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, p256)
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), der...)
	tampered[len(tampered)-5] ^= 0xff // inside the signature
	p384DER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, p384)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"garbage":    []byte("hello"),
		"tampered":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered}),
		"P-384":      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: p384DER}),
		"two":        append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})...),
		"wrong type": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	} {
		if _, err := ParseCSR(in); !errors.Is(err, ErrBadCSR) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCRL(t *testing.T) {
	a := newAuthority(t)
	now := time.Now()
	der, err := a.CRL([]Revoked{{Serial: "abc123", RevokedAt: now}}, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(a.issuing); err != nil {
		t.Errorf("signature: %v", err)
	}
	if crl.Number.Int64() != 7 || len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Text(16) != "abc123" {
		t.Errorf("CRL %d lists %v", crl.Number, crl.RevokedCertificateEntries)
	}
	if d := crl.NextUpdate.Sub(crl.ThisUpdate); d <= 0 || d > 24*time.Hour {
		t.Errorf("next update %s after this one", d)
	}
}

// TestShortCertificatesAreNotDueAtOnce: a minutes-long lifetime starts
// only a little before issue, so that the agent, renewing at two thirds of
// it, does not find itself due at once and renew in a loop.
func TestShortCertificatesAreNotDueAtOnce(t *testing.T) {
	m, err := Generate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, validity := range []time.Duration{2 * time.Minute, time.Hour, DefaultValidity} {
		a, err := New(m, validity)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		issued, err := a.Issue(request(t, key), Identity{OrgID: "o", AgentID: "a"}, now)
		if err != nil {
			t.Fatal(err)
		}
		c := issued.Cert
		due := c.NotBefore.Add(c.NotAfter.Sub(c.NotBefore) * 2 / 3)
		if !c.NotAfter.Equal(now.Add(validity).Truncate(time.Second)) || !due.After(now.Add(validity/2)) || !c.NotBefore.Before(now) {
			t.Errorf("%s: valid %s to %s, renewal due %s after issue", validity, c.NotBefore, c.NotAfter, due.Sub(now))
		}
	}
}
