package probe

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// rsaKey is generated once: RSA key generation is slow, and sharing it changes no test.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func newKey(t testing.TB, kind string) crypto.Signer {
	t.Helper()
	switch kind {
	case "rsa":
		return rsaKey()
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	default:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
}

// issuer signs certificates; chain holds the DER of the intermediates from it up to
// the root, excluded, as a server sends them after its leaf.
type issuer struct {
	cert  *x509.Certificate
	key   crypto.Signer
	chain [][]byte
}

// leafSpec describes a leaf; the zero value is a valid ECDSA leaf for "localhost" and
// 127.0.0.1, valid for an hour.
type leafSpec struct {
	key       string // "ecdsa" (default), "rsa", "ed25519"
	dnsNames  []string
	notBefore time.Time
	notAfter  time.Time
}

func newCA(t testing.TB) *issuer {
	t.Helper()
	key := newKey(t, "ecdsa")
	tmpl := caTemplate("Test Root CA")
	cert := createCert(t, tmpl, tmpl, key.Public(), key)
	return &issuer{cert: cert, key: key}
}

func (ca *issuer) intermediate(t testing.TB) *issuer {
	t.Helper()
	key := newKey(t, "ecdsa")
	cert := createCert(t, caTemplate("Test Intermediate CA"), ca.cert, key.Public(), ca.key)
	return &issuer{cert: cert, key: key, chain: append([][]byte{cert.Raw}, ca.chain...)}
}

// leaf returns a certificate to serve: the leaf and the intermediates above it.
func (ca *issuer) leaf(t testing.TB, spec leafSpec) tls.Certificate {
	t.Helper()
	key := newKey(t, spec.key)
	cert := createCert(t, leafTemplate(spec), ca.cert, key.Public(), ca.key)
	return tls.Certificate{Certificate: append([][]byte{cert.Raw}, ca.chain...), PrivateKey: key}
}

func selfSigned(t testing.TB, spec leafSpec) tls.Certificate {
	t.Helper()
	key := newKey(t, spec.key)
	tmpl := leafTemplate(spec)
	cert := createCert(t, tmpl, tmpl, key.Public(), key)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}
}

func caTemplate(name string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

func leafTemplate(spec leafSpec) *x509.Certificate {
	if spec.dnsNames == nil {
		spec.dnsNames = []string{"localhost"}
	}
	if spec.notBefore.IsZero() {
		spec.notBefore = time.Now().Add(-time.Hour)
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = time.Now().Add(time.Hour)
	}
	return &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: spec.dnsNames[0]},
		DNSNames:     spec.dnsNames,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    spec.notBefore,
		NotAfter:     spec.notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

func createCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		panic(err)
	}
	return n
}

func fingerprints(chain [][]byte) []string {
	fps := make([]string, len(chain))
	for i, der := range chain {
		sum := sha256.Sum256(der)
		fps[i] = hex.EncodeToString(sum[:])
	}
	return fps
}
