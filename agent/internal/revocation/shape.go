package revocation

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"certinel.dev/shared/wire"
)

// A fetch hands back only what has the shape of the answer asked for: a
// server that could name any URL would otherwise read any page of the
// agent's network through it. Only the structure is checked; signatures
// and statuses are the server's to judge.

// ocspResponse is the outer structure of RFC 6960 §4.2.1: a status, and
// for a successful one the typed bytes of the response.
type ocspResponse struct {
	Status asn1.Enumerated
	Bytes  ocspResponseBytes `asn1:"explicit,tag:0,optional"`
}

type ocspResponseBytes struct {
	Type     asn1.ObjectIdentifier
	Response []byte
}

// checkShape tells whether body is a DER CRL or OCSP response, as kind asks.
func checkShape(kind string, body []byte) error {
	switch kind {
	case wire.RevocationKindCRL:
		if _, err := x509.ParseRevocationList(body); err != nil {
			return fmt.Errorf("the answer is not a DER CRL: %w", err)
		}
	case wire.RevocationKindOCSP:
		var r ocspResponse
		rest, err := asn1.Unmarshal(body, &r)
		if err == nil && len(rest) > 0 {
			err = errors.New("trailing data")
		}
		if err != nil {
			return fmt.Errorf("the answer is not an OCSP response: %w", err)
		}
	}
	return nil
}
