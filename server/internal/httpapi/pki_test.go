package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testChain is a leaf, an intermediate and a root made in the test.
type testChain struct {
	ders [][]byte
}

func (c testChain) base64() []string {
	out := make([]string, len(c.ders))
	for i, d := range c.ders {
		out[i] = base64.StdEncoding.EncodeToString(d)
	}
	return out
}

type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func mustKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var serial atomic.Int64

func issue(t testing.TB, tmpl *x509.Certificate, parent *issuer, key *ecdsa.PrivateKey) (*x509.Certificate, []byte) {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(1000 + serial.Add(1))
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, der
}

// sharedCA is the test root every test server trusts as a system root.
var sharedCA struct {
	once             sync.Once
	root, inter      issuer
	rootDER, interDR []byte
}

// newCA returns the trusted test root and its intermediate.
func newCA(t testing.TB) (root, inter issuer, rootDER, interDER []byte) {
	sharedCA.once.Do(func() {
		sharedCA.root, sharedCA.inter, sharedCA.rootDER, sharedCA.interDR = freshCA(t)
	})
	return sharedCA.root, sharedCA.inter, sharedCA.rootDER, sharedCA.interDR
}

func testRoots(t testing.TB) *x509.CertPool {
	root, _, _, _ := newCA(t)
	pool := x509.NewCertPool()
	pool.AddCert(root.cert)
	return pool
}

// freshCA makes a root and an intermediate that issue leaves.
func freshCA(t testing.TB) (root, inter issuer, rootDER, interDER []byte) {
	now := time.Now()
	rk, ik := mustKey(t), mustKey(t)
	rc, rd := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Test Root"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(10 * 365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, rk)
	root = issuer{rc, rk}
	ic, id := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Test Intermediate"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(5 * 365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, &root, ik)
	return root, issuer{ic, ik}, rd, id
}

// leafChain issues a leaf for host valid for days and returns leaf, intermediate, root.
func leafChain(t testing.TB, inter issuer, rootDER, interDER []byte, host string, days int) testChain {
	now := time.Now()
	_, ld := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(time.Duration(days)*24*time.Hour + time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, mustKey(t))
	return testChain{ders: [][]byte{ld, interDER, rootDER}}
}

// overdueChain is a 90-day certificate with days left: past its renewal
// window whatever days is below 22, so it raises events under the
// lifetime-aware default rule.
func overdueChain(t testing.TB, inter issuer, rootDER, interDER []byte, host string, days int) testChain {
	now := time.Now()
	_, ld := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(time.Duration(days-90) * 24 * time.Hour), NotAfter: now.Add(time.Duration(days)*24*time.Hour + time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, mustKey(t))
	return testChain{ders: [][]byte{ld, interDER, rootDER}}
}
