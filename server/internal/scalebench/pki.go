package scalebench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync/atomic"
	"time"
)

// pki is a private PKI shaped like a customer's: a couple of roots and a
// few intermediates shared by many leaves, so every chain has three
// certificates and the intermediates deduplicate. One ECDSA key signs
// everything and serves as every leaf's key: key generation would
// dominate seeding and the server never looks at key reuse.
type pki struct {
	key           *ecdsa.PrivateKey
	roots         []*x509.Certificate
	intermediates []*x509.Certificate
	// serial numbers the certificates; leaves are signed concurrently.
	serial atomic.Int64
}

const (
	pkiRoots         = 2
	pkiIntermediates = 3
)

func newPKI(now time.Time) (*pki, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("scalebench: ca key: %w", err)
	}
	p := &pki{key: key}
	for i := range pkiRoots {
		tmpl := p.template(fmt.Sprintf("Scale Bench Root CA %d", i+1), now.AddDate(-5, 0, 0), now.AddDate(15, 0, 0))
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		root, err := p.sign(tmpl, tmpl)
		if err != nil {
			return nil, err
		}
		p.roots = append(p.roots, root)
	}
	for i := range pkiIntermediates {
		tmpl := p.template(fmt.Sprintf("Scale Bench Issuing CA %d", i+1), now.AddDate(-2, 0, 0), now.AddDate(5, 0, 0))
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.MaxPathLenZero = true, true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		inter, err := p.sign(tmpl, p.roots[i%len(p.roots)])
		if err != nil {
			return nil, err
		}
		p.intermediates = append(p.intermediates, inter)
	}
	return p, nil
}

func (p *pki) template(cn string, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(p.serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Scale Bench Inc"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
}

func (p *pki) sign(tmpl, parent *x509.Certificate) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &p.key.PublicKey, p.key)
	if err != nil {
		return nil, fmt.Errorf("scalebench: sign %s: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// leaf issues a server certificate for host by the issuer-th
// intermediate, valid over [notBefore, notAfter], and returns its DER.
func (p *pki) leaf(host string, issuer int, notBefore, notAfter time.Time) ([]byte, error) {
	tmpl := p.template(host, notBefore, notAfter)
	tmpl.DNSNames = []string{host}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.intermediates[issuer%len(p.intermediates)], &p.key.PublicKey, p.key)
	if err != nil {
		return nil, fmt.Errorf("scalebench: sign leaf %s: %w", host, err)
	}
	return der, nil
}

// tail is what a server sends after a leaf of the issuer-th intermediate:
// the intermediate and its root (many servers send the root too), base64
// as on the wire.
func (p *pki) tail(issuer int) []string {
	inter := issuer % len(p.intermediates)
	return []string{base64.StdEncoding.EncodeToString(p.intermediates[inter].Raw),
		base64.StdEncoding.EncodeToString(p.roots[inter%len(p.roots)].Raw)}
}

// bundlePEM is the organization's CA bundle: the roots it trusts.
func (p *pki) bundlePEM() string {
	var b strings.Builder
	for _, r := range p.roots {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: r.Raw})
	}
	return b.String()
}
