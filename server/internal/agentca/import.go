package agentca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// minRSABits is the smallest RSA issuing key accepted.
const minRSABits = 2048

// ParseImport checks an issuing CA brought by the customer, for those who
// keep their root offline: certPEM is the issuing CA certificate followed
// by its chain up to and including the self-signed root, keyPEM the issuing
// CA's private key. The CA must be able to sign certificates and CRLs, hold
// the key, chain to the root, and stay valid for at least validity (the
// lifetime of the agent certificates it will issue) from now. The material
// returned has no root key: the root stays with its owner.
func ParseImport(certPEM, keyPEM []byte, validity time.Duration, now time.Time) (Material, error) {
	chain, err := parseCerts(certPEM)
	if err != nil {
		return Material{}, fmt.Errorf("certificate file: want PEM certificates: %w", err)
	}
	if len(chain) < 2 {
		return Material{}, errors.New("certificate file holds one certificate: want the issuing CA followed by its chain up to and including the self-signed root")
	}
	issuing, root := chain[0], chain[len(chain)-1]
	if !issuing.BasicConstraintsValid || !issuing.IsCA {
		return Material{}, fmt.Errorf("the first certificate (%s) is not a CA: want basic constraints CA:TRUE", name(issuing))
	}
	if want := x509.KeyUsageCertSign | x509.KeyUsageCRLSign; issuing.KeyUsage&want != want {
		return Material{}, fmt.Errorf("the issuing CA (%s) may not sign both certificates and CRLs: want key usages keyCertSign and cRLSign", name(issuing))
	}
	if !bytes.Equal(root.RawSubject, root.RawIssuer) || root.CheckSignatureFrom(root) != nil {
		return Material{}, fmt.Errorf("the last certificate (%s) is not a self-signed root: want the chain up to and including the root", name(root))
	}
	key, err := parseImportKey(keyPEM)
	if err != nil {
		return Material{}, fmt.Errorf("key file: %w", err)
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(issuing.PublicKey) {
		return Material{}, fmt.Errorf("the key does not match the issuing CA certificate (%s)", name(issuing))
	}
	for _, c := range chain {
		if err := lastsLongEnough(c, validity, now); err != nil {
			return Material{}, err
		}
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range chain[1 : len(chain)-1] {
		inters.AddCert(c)
	}
	_, err = issuing.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return Material{}, fmt.Errorf("the issuing CA (%s) does not chain to the root (%s): %w", name(issuing), name(root), err)
	}
	m := Material{RootCert: pemCert(root.Raw)}
	for _, c := range chain[:len(chain)-1] {
		m.IssuingCert = append(m.IssuingCert, pemCert(c.Raw)...)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Material{}, fmt.Errorf("key file: encode: %w", err)
	}
	m.IssuingKey = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	return m, nil
}

// lastsLongEnough: a certificate of the chain is valid now and still
// when an agent certificate issued now ends, which it must outlive.
func lastsLongEnough(c *x509.Certificate, validity time.Duration, now time.Time) error {
	switch {
	case now.Before(c.NotBefore):
		return fmt.Errorf("%s is not valid before %s", name(c), c.NotBefore.UTC().Format(time.RFC3339))
	case !now.Before(c.NotAfter):
		return fmt.Errorf("%s expired on %s", name(c), c.NotAfter.UTC().Format(time.RFC3339))
	case c.NotAfter.Before(now.Add(validity)):
		return fmt.Errorf("%s expires on %s, before agent certificates issued now would (they last %s): renew it, or shorten CERTINEL_AGENT_CERT_VALIDITY",
			name(c), c.NotAfter.UTC().Format(time.RFC3339), validity)
	}
	return nil
}

// parseImportKey reads a PEM private key in PKCS #8, SEC 1 (EC) or PKCS #1
// (RSA), of a kind and size fit for a CA.
func parseImportKey(p []byte) (crypto.Signer, error) {
	block, rest := pem.Decode(p)
	if block == nil || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("want one PEM private key")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a PEM %s block: want an unencrypted PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return nil, fmt.Errorf("ECDSA key on %s: want P-256 or P-384", k.Curve.Params().Name)
		}
		return k, nil
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits: want at least %d", k.N.BitLen(), minRSABits)
		}
		return k, nil
	}
	return nil, fmt.Errorf("a %T key: want ECDSA P-256, P-384 or RSA of at least %d bits", key, minRSABits)
}

// name is how errors call a certificate.
func name(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return "CN=" + c.Subject.CommonName
	}
	return c.Subject.String()
}
