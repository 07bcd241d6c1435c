// Package identity keeps the agent's client certificate for mutual TLS: the
// key the agent generated (it never leaves the machine), the certificate
// the server issued for it with the CA chain, and the server pin given at
// enrollment. Key and certificates live in one PEM file of the state (spool)
// directory, mode 0600, replaced atomically, so a renewal that stops half way
// leaves the old pair, never a key without its certificate.
package identity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certinel.dev/agent/internal/atomicfile"
	"certinel.dev/shared/wire"
)

// File names in the state directory.
const (
	FileName    = "agent-identity.pem"
	PinFileName = "server-pin"
)

// ErrNotEnrolled: the directory holds no identity; the agent authenticates
// with its tokens.
var ErrNotEnrolled = errors.New("identity: not enrolled")

// Identity is the agent's certificate with its key.
type Identity struct {
	Cert tls.Certificate // leaf, issuing CA, root; with the private key
	Leaf *x509.Certificate
}

// Expired tells whether the certificate can no longer authenticate.
func (id Identity) Expired(now time.Time) bool { return !now.Before(id.Leaf.NotAfter) }

// Lifetime is how long the certificate is valid in all.
func (id Identity) Lifetime() time.Duration { return id.Leaf.NotAfter.Sub(id.Leaf.NotBefore) }

// RenewalAt is when two thirds of the certificate's lifetime have passed:
// time to get the next one, while this one still works.
func (id Identity) RenewalAt() time.Time { return id.Leaf.NotBefore.Add(id.Lifetime() * 2 / 3) }

// RenewalDue tells whether RenewalAt has come.
func (id Identity) RenewalDue(now time.Time) bool { return !now.Before(id.RenewalAt()) }

// Dir is the state directory the identity lives in.
type Dir string

func (d Dir) path(name string) string { return filepath.Join(string(d), name) }

// Load reads the identity; ErrNotEnrolled when there is none.
func (d Dir) Load() (Identity, error) {
	data, err := os.ReadFile(d.path(FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return Identity{}, ErrNotEnrolled
	}
	if err != nil {
		return Identity{}, fmt.Errorf("identity: %w", err)
	}
	cert, err := tls.X509KeyPair(data, data)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: %s: %w", d.path(FileName), err)
	}
	return Identity{Cert: cert, Leaf: cert.Leaf}, nil
}

// NewKey generates the key of a next certificate and the request for it.
func NewKey() (*ecdsa.PrivateKey, wire.CertificateRequest, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, wire.CertificateRequest{}, fmt.Errorf("identity: generate key: %w", err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "certinel-agent"}}, key)
	if err != nil {
		return nil, wire.CertificateRequest{}, fmt.Errorf("identity: certificate request: %w", err)
	}
	csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	return key, wire.CertificateRequest{CSR: csr}, nil
}

// Save keeps key with the certificate and chain the server answered for
// it, replacing the previous identity in one atomic step, and returns it.
func (d Dir) Save(key *ecdsa.PrivateKey, resp wire.CertificateResponse) (Identity, error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: encode key: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(strings.TrimSpace(resp.Certificate) + "\n")
	for _, c := range resp.Chain {
		buf.WriteString(strings.TrimSpace(c) + "\n")
	}
	if err := pem.Encode(&buf, &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}); err != nil {
		return Identity{}, fmt.Errorf("identity: encode key: %w", err)
	}
	cert, err := tls.X509KeyPair(buf.Bytes(), buf.Bytes())
	if err != nil {
		return Identity{}, fmt.Errorf("identity: the server's certificate does not fit the key: %w", err)
	}
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return Identity{}, fmt.Errorf("identity: create %s: %w", d, err)
	}
	if err := atomicfile.Write(d.path(FileName), buf.Bytes(), 0o600); err != nil {
		return Identity{}, fmt.Errorf("identity: %w", err)
	}
	return Identity{Cert: cert, Leaf: cert.Leaf}, nil
}
