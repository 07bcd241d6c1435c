package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// now is the fixed instant every test judges at.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * day }

// issued is a certificate minted in a test, with its key so it can sign.
type issued struct {
	cert *Cert
	key  crypto.Signer
}

type spec struct {
	cn       string
	ca       bool
	dns      []string
	ips      []net.IP
	from, to time.Time     // zero: now-10d and now+80d
	key      crypto.Signer // nil: a fresh P-256 key
	sigAlg   x509.SignatureAlgorithm
	edit     func(*x509.Certificate) // last-minute template changes
}

// mint creates a certificate signed by parent, or self-signed when parent
// is nil.
func mint(tb testing.TB, s spec, parent *issued) *issued {
	tb.Helper()
	if s.key == nil {
		s.key = ecKey(tb, elliptic.P256())
	}
	if s.from.IsZero() {
		s.from = now.Add(-days(10))
	}
	if s.to.IsZero() {
		s.to = now.Add(days(80))
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		tb.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: s.cn, Organization: []string{"Certinel Test"}},
		DNSNames:              s.dns,
		IPAddresses:           s.ips,
		NotBefore:             s.from,
		NotAfter:              s.to,
		SignatureAlgorithm:    s.sigAlg,
		BasicConstraintsValid: true,
		IsCA:                  s.ca,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if s.ca {
		tpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		tpl.ExtKeyUsage = nil
	}
	if s.edit != nil {
		s.edit(tpl)
	}
	parentCert, signer := tpl, s.key
	if parent != nil {
		parentCert, signer = parent.cert.X509, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parentCert, s.key.Public(), signer)
	if err != nil {
		tb.Fatalf("mint %q: %v", s.cn, err)
	}
	c, err := Parse(der)
	if err != nil {
		tb.Fatalf("parse %q: %v", s.cn, err)
	}
	return &issued{cert: c, key: s.key}
}

func ecKey(tb testing.TB, curve elliptic.Curve) crypto.Signer {
	tb.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func rsaKey(tb testing.TB, bits int) crypto.Signer {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// pki is a public hierarchy (standing in for the system roots), an
// organization's private one, and a stranger's.
type pki struct {
	root, inter       *issued
	orgRoot, orgInter *issued
	otherRoot, other  *issued
	roots, orgRoots   *x509.CertPool
}

func newPKI(tb testing.TB) *pki {
	tb.Helper()
	p := &pki{}
	long := func(cn string) spec {
		return spec{cn: cn, ca: true, from: now.Add(-days(365)), to: now.Add(days(3650))}
	}
	p.root = mint(tb, long("Test Root"), nil)
	p.inter = mint(tb, long("Test Intermediate"), p.root)
	p.orgRoot = mint(tb, long("Org Root"), nil)
	p.orgInter = mint(tb, long("Org Intermediate"), p.orgRoot)
	p.otherRoot = mint(tb, long("Other Root"), nil)
	p.other = mint(tb, long("Other Intermediate"), p.otherRoot)
	p.roots = Pool([]*Cert{p.root.cert})
	p.orgRoots = Pool([]*Cert{p.orgRoot.cert})
	return p
}

// withOrgRoots gives the input the organization pool of the
// certificates, named for the cache as the ingester names it.
func withOrgRoots(in *Input, certs ...*Cert) {
	in.OrgRoots, in.OrgRootsID = Pool(certs), PoolID(certs)
}

// leaf is a server certificate for www.example.com; edit adjusts the spec.
func (p *pki) leaf(tb testing.TB, parent *issued, edit func(*spec)) *Cert {
	tb.Helper()
	s := spec{cn: "www.example.com", dns: []string{"www.example.com"}}
	if edit != nil {
		edit(&s)
	}
	return mint(tb, s, parent).cert
}

// input judges chain for www.example.com at now against the test roots.
func (p *pki) input(chain ...*Cert) Input {
	return Input{Chain: chain, Host: "www.example.com", Now: now, Roots: p.roots, Policy: DefaultPolicy()}
}
