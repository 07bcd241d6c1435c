package agentca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"
)

// Identity is whom an agent certificate names.
type Identity struct {
	OrgID, AgentID string
}

// uriScheme names agents in certificates' URI SAN:
// certinel://org/<organization id>/agent/<agent id>.
const uriScheme = "certinel"

// URI is the identity as it appears in the certificate.
func (id Identity) URI() *url.URL {
	return &url.URL{Scheme: uriScheme, Host: "org", Path: "/" + url.PathEscape(id.OrgID) + "/agent/" + url.PathEscape(id.AgentID)}
}

// identityOf reads the one certinel:// URI SAN of a certificate.
func identityOf(cert *x509.Certificate) (Identity, error) {
	if len(cert.URIs) != 1 {
		return Identity{}, errors.New("want exactly one URI SAN")
	}
	u := cert.URIs[0]
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if u.Scheme != uriScheme || u.Host != "org" || len(parts) != 3 || parts[1] != "agent" || parts[0] == "" || parts[2] == "" {
		return Identity{}, fmt.Errorf("URI SAN %q names no agent", u)
	}
	return Identity{OrgID: parts[0], AgentID: parts[2]}, nil
}

// Errors of ParseCSR and Verify; their text is safe to show the caller.
var (
	ErrBadCSR      = errors.New("want a PEM certificate request signed by its ECDSA P-256 key")
	ErrBadClient   = errors.New("client certificate not issued by this server's agent CA, or expired")
	ErrSameKey     = errors.New("renewal needs a new key")
	errNotOneBlock = errors.New("want one CERTIFICATE REQUEST block")
)

// ParseCSR reads a PEM certificate request, checks its signature (the
// requester holds the key) and that the key is ECDSA P-256.
func ParseCSR(p []byte) (*x509.CertificateRequest, error) {
	block, rest := pem.Decode(p)
	if block == nil || block.Type != "CERTIFICATE REQUEST" || len(strings.TrimSpace(string(rest))) != 0 {
		return nil, fmt.Errorf("%w: %w", ErrBadCSR, errNotOneBlock)
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCSR, err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCSR, err)
	}
	key, ok := csr.PublicKey.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, ErrBadCSR
	}
	return csr, nil
}

// Issued is a new agent certificate.
type Issued struct {
	Cert   *x509.Certificate
	PEM    string
	Serial string // hex, as stored and listed
}

// Issue signs a client certificate for the agent with the CSR's key. Only
// the key is taken from the request: the subject, SAN, usages and lifetime
// are the server's.
func (a *Authority) Issue(csr *x509.CertificateRequest, id Identity, now time.Time) (Issued, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "agent " + id.AgentID, Organization: []string{"Certinel"}},
		URIs:        []*url.URL{id.URI()},
		NotBefore:   now.Add(-a.backdate()),
		NotAfter:    now.Add(a.validity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return a.sign(tmpl, csr.PublicKey)
}

// backdate is how far before issue a certificate starts, for an agent's
// clock a little behind: five minutes, less for a minutes-long lifetime,
// lest the agent find two thirds of it gone at once and renew in a loop.
func (a *Authority) backdate() time.Duration {
	return min(5*time.Minute, a.validity/10)
}

func (a *Authority) sign(tmpl *x509.Certificate, pub any) (Issued, error) {
	der, err := createCert(tmpl, a.issuing, pub, a.issuingKey)
	if err != nil {
		return Issued{}, fmt.Errorf("agentca: issue: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Issued{}, fmt.Errorf("agentca: issue: %w", err)
	}
	return Issued{Cert: cert, PEM: string(pemCert(der)), Serial: SerialHex(cert.SerialNumber)}, nil
}

// SerialHex is a serial as the store keeps it: lower-case hex.
func SerialHex(n *big.Int) string { return n.Text(16) }

// Verify checks a client's certificate chain (leaf first, as TLS hands it
// over) against the agent CA at now, for client authentication, and
// returns whom it names and its serial. Revocation is the store's to check.
func (a *Authority) Verify(chain []*x509.Certificate, now time.Time) (Identity, string, error) {
	if len(chain) == 0 {
		return Identity{}, "", ErrBadClient
	}
	leaf := chain[0]
	_, err := leaf.Verify(x509.VerifyOptions{Roots: a.roots, Intermediates: a.inters, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return Identity{}, "", fmt.Errorf("%w: %w", ErrBadClient, err)
	}
	id, err := identityOf(leaf)
	if err != nil {
		return Identity{}, "", fmt.Errorf("%w: %w", ErrBadClient, err)
	}
	return id, SerialHex(leaf.SerialNumber), nil
}

// SameKey tells whether a request asks for the key a certificate already
// has: a renewal must bring a new one.
func SameKey(csr *x509.CertificateRequest, cert *x509.Certificate) bool {
	k, ok := csr.PublicKey.(*ecdsa.PublicKey)
	return ok && k.Equal(cert.PublicKey)
}
