package certs

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
)

// Errors of ParsePEMBundle, for the API to map to validation answers. The
// returned error wraps one of them and says which certificate is at fault.
var (
	ErrNoCertificates = errors.New("certs: no certificates in the bundle")
	ErrMalformedPEM   = errors.New("certs: malformed PEM")
	ErrNotCA          = errors.New("certs: not a CA certificate")
	ErrTooMany        = errors.New("certs: too many certificates in the bundle")
)

// ParsePEMBundle parses an organization's CA bundle. Text around the PEM
// blocks (comments, as in distribution bundles) is ignored, but a block of
// another type (a private key pasted by mistake) or a leaf certificate is
// refused: trusting a leaf as an anchor is almost always an error. limit <= 0
// means no limit.
func ParsePEMBundle(data []byte, limit int) ([]*Cert, error) {
	var out []*Cert
	for n := 1; ; n++ {
		block, rest := pem.Decode(data)
		if block == nil {
			if bytes.Contains(rest, []byte("-----BEGIN")) {
				return nil, fmt.Errorf("%w: block %d cannot be decoded", ErrMalformedPEM, n)
			}
			break
		}
		data = rest
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("%w: block %d is a %q, not a CERTIFICATE", ErrMalformedPEM, n, block.Type)
		}
		if limit > 0 && n > limit {
			return nil, fmt.Errorf("%w: more than %d", ErrTooMany, limit)
		}
		x, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %d: %w", ErrMalformedPEM, n, err)
		}
		c := FromX509(x)
		if !c.Facts.IsCA {
			return nil, fmt.Errorf("%w: certificate %d (%s)", ErrNotCA, n, c.Facts.Subject)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrNoCertificates
	}
	return out, nil
}

// Pool builds a verification pool, typically from a parsed CA bundle.
func Pool(certs []*Cert) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c.X509)
	}
	return pool
}

// PoolID names the contents of the pool Pool builds from the certificates:
// the same certificates, in any order, give the same ID.
func PoolID(certs []*Cert) [sha256.Size]byte {
	fps := make([]string, len(certs))
	for i, c := range certs {
		fps[i] = c.Facts.SHA256
	}
	slices.Sort(fps)
	h := sha256.New()
	for _, fp := range slices.Compact(fps) {
		h.Write([]byte(fp))
	}
	var id [sha256.Size]byte
	h.Sum(id[:0])
	return id
}
