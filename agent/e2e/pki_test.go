package e2e_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// pki is a private CA as a customer runs one: a root that only the
// organization's CA bundle knows, and an intermediate that signs the leaves.
// The listeners serve leaf + intermediate, so the server can only trust a
// chain through the uploaded bundle.
type pki struct {
	rootPEM string
	inter   *x509.Certificate
	interK  *ecdsa.PrivateKey
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	now := time.Now()
	rootKey := newKey(t)
	rootTmpl := caTemplate(t, "Certinel E2E Root", now.AddDate(10, 0, 0))
	root := sign(t, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)

	interKey := newKey(t)
	interTmpl := caTemplate(t, "Certinel E2E Intermediate", now.AddDate(5, 0, 0))
	interTmpl.MaxPathLenZero = true
	inter := sign(t, interTmpl, root, &interKey.PublicKey, rootKey)

	return &pki{
		rootPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})),
		inter:   inter,
		interK:  interKey,
	}
}

// leaf issues a server certificate for ip that expires daysLeft days and
// twelve hours from now: the server floors the remaining time to whole
// days, so the half day keeps the expected days_left stable for the run.
func (p *pki) leaf(t *testing.T, ip net.IP, daysLeft int) tls.Certificate {
	t.Helper()
	return p.issue(t, "e2e.certinel.test", []net.IP{ip}, daysLeft)
}

// issue is leaf for the DNS name and the IP addresses (none, for a name
// served by SNI alone).
func (p *pki) issue(t *testing.T, name string, ips []net.IP, daysLeft int) tls.Certificate {
	t.Helper()
	// A 90-day certificate (longer if need be) with daysLeft to go, so that
	// its status follows from its lifetime: urgent in the last 15 days.
	notAfter := time.Now().Add(time.Duration(daysLeft)*24*time.Hour + 12*time.Hour)
	key := newKey(t)
	leaf := sign(t, &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		IPAddresses:  ips,
		NotBefore:    notAfter.Add(-max(90, time.Duration(daysLeft+1)) * 24 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, p.inter, &key.PublicKey, p.interK)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, p.inter.Raw}, PrivateKey: key, Leaf: leaf}
}

// caTemplate describes a CA certificate that outlives every leaf, so the
// leaf alone decides days_left.
func caTemplate(t *testing.T, name string, notAfter time.Time) *x509.Certificate {
	t.Helper()
	return &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Certinel E2E"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	return key
}

func serial(t *testing.T) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatalf("serial: %v", err)
	}
	return n
}

func sign(t *testing.T, tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, priv *ecdsa.PrivateKey) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		t.Fatalf("certificate %s: %v", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse %s: %v", tmpl.Subject.CommonName, err)
	}
	return cert
}
