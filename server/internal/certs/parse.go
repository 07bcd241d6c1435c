// Package certs parses and judges certificate chains. Everything here is a
// pure function of its arguments: no I/O, no clock, no database, so the
// monitor can call it on the hot ingest path and tests can pin every verdict.
package certs

import (
	"crypto/x509"
	"errors"
	"fmt"
)

// Cert is one parsed certificate together with the facts the inventory
// shows about it. DER is parsed exactly once, here; everything downstream
// (Judge, the inventory, the API) reads the parsed form.
type Cert struct {
	X509  *x509.Certificate `json:"-"`
	Facts Facts             `json:"facts"`
}

// ErrEmpty is returned by Parse for a zero-length input, which the agent
// can send when a handshake captured nothing.
var ErrEmpty = errors.New("certs: empty certificate")

// Parse parses one DER certificate and extracts its facts.
func Parse(der []byte) (*Cert, error) {
	if len(der) == 0 {
		return nil, ErrEmpty
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certs: parse certificate: %w", err)
	}
	return FromX509(c), nil
}

// FromX509 wraps a certificate that is already parsed (for example one read
// from a CA bundle or built in a test) without parsing it again.
func FromX509(c *x509.Certificate) *Cert {
	return &Cert{X509: c, Facts: newFacts(c)}
}
