// Package agentca is the server's certificate authority for agents: a root
// and an issuing CA (ECDSA P-256) that sign the client certificates agents
// authenticate with over mutual TLS, check those certificates, and sign the
// revocation list. It holds no state of its own: the CA's keys live sealed
// in the database (see Load), the issued and revoked serials in the store.
package agentca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// DefaultValidity is how long an agent certificate lasts unless configured
// otherwise: short, since agents renew on their own.
const DefaultValidity = 7 * 24 * time.Hour

// Lifetimes of the CA's own certificates: long enough never to matter in a
// server's life, which has no CA rotation yet.
const (
	rootValidity    = 20 * 365 * 24 * time.Hour
	issuingValidity = 10 * 365 * 24 * time.Hour
)

// Authority signs and checks agent certificates.
type Authority struct {
	root    *x509.Certificate
	issuing *x509.Certificate
	// between are the CAs from the issuing CA up to the root, issuing CA's
	// issuer first: none for a generated CA, the customer's intermediates
	// for an imported one.
	between    []*x509.Certificate
	issuingKey crypto.Signer
	validity   time.Duration
	roots      *x509.CertPool
	inters     *x509.CertPool
}

// Material is a CA in PEM: certificates and PKCS #8 private keys.
// IssuingCert may go on with the CAs between it and the root; RootKey is
// empty for an imported CA, whose root stays with its owner.
type Material struct {
	RootCert, RootKey       []byte
	IssuingCert, IssuingKey []byte
}

// Generate makes a fresh root and issuing CA.
func Generate(now time.Time) (Material, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Material{}, fmt.Errorf("agentca: root key: %w", err)
	}
	issKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Material{}, fmt.Errorf("agentca: issuing key: %w", err)
	}
	start := now.Add(-time.Hour) // tolerate clocks a little behind
	rootTmpl := caTemplate("Certinel agent root CA", start, start.Add(rootValidity), 1)
	rootDER, err := createCert(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return Material{}, fmt.Errorf("agentca: root certificate: %w", err)
	}
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return Material{}, fmt.Errorf("agentca: root certificate: %w", err)
	}
	issTmpl := caTemplate("Certinel agent issuing CA", start, start.Add(issuingValidity), 0)
	issTmpl.MaxPathLenZero = true
	issDER, err := createCert(issTmpl, root, &issKey.PublicKey, rootKey)
	if err != nil {
		return Material{}, fmt.Errorf("agentca: issuing certificate: %w", err)
	}
	m := Material{RootCert: pemCert(rootDER), IssuingCert: pemCert(issDER)}
	if m.RootKey, err = pemKey(rootKey); err != nil {
		return Material{}, err
	}
	if m.IssuingKey, err = pemKey(issKey); err != nil {
		return Material{}, err
	}
	return m, nil
}

func caTemplate(name string, notBefore, notAfter time.Time, maxPath int) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Certinel"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            maxPath,
	}
}

// createCert signs tmpl with a fresh random serial.
func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) ([]byte, error) {
	serial, err := NewSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	return x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
}

// NewSerial is a random positive serial of 128 bits: unpredictable, and
// never repeated in practice.
func NewSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("agentca: serial: %w", err)
	}
	return serial.Add(serial, big.NewInt(1)), nil
}

// New builds the authority from its material; validity is the lifetime of
// the agent certificates it issues.
func New(m Material, validity time.Duration) (*Authority, error) {
	root, err := parseCert(m.RootCert)
	if err != nil {
		return nil, fmt.Errorf("agentca: root: %w", err)
	}
	chain, err := parseCerts(m.IssuingCert)
	if err != nil {
		return nil, fmt.Errorf("agentca: issuing: %w", err)
	}
	key, err := parseKey(m.IssuingKey)
	if err != nil {
		return nil, fmt.Errorf("agentca: issuing key: %w", err)
	}
	if validity <= 0 {
		validity = DefaultValidity
	}
	a := &Authority{root: root, issuing: chain[0], between: chain[1:], issuingKey: key, validity: validity,
		roots: x509.NewCertPool(), inters: x509.NewCertPool()}
	a.roots.AddCert(root)
	for _, c := range chain {
		a.inters.AddCert(c)
	}
	return a, nil
}

// Validity is the lifetime of the certificates the authority issues.
func (a *Authority) Validity() time.Duration { return a.validity }

// ChainPEM is the issuing CA, the CAs between it and the root, then the
// root, as agents keep them.
func (a *Authority) ChainPEM() []string {
	out := []string{string(pemCert(a.issuing.Raw))}
	for _, c := range a.between {
		out = append(out, string(pemCert(c.Raw)))
	}
	return append(out, string(pemCert(a.root.Raw)))
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func pemKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("agentca: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func parseCert(p []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(p)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

// parseCerts reads one or more PEM certificates, and nothing else.
func parseCerts(p []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		block, rest := pem.Decode(p)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("a PEM %s block among the certificates", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
		}
		out, p = append(out, c), rest
	}
	if len(out) == 0 || len(bytes.TrimSpace(p)) != 0 {
		return nil, errors.New("not PEM certificates")
	}
	return out, nil
}

func parseKey(p []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(p)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM private key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("key cannot sign")
	}
	return signer, nil
}
