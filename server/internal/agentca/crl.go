package agentca

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"time"
)

// CRLValidity is how far ahead a CRL's next update lies. Revocation checks
// of the server itself read the database on every request; the CRL is for
// others, who should fetch it at least daily.
const CRLValidity = 12 * time.Hour

// Revoked is one entry of the CRL.
type Revoked struct {
	Serial    string // hex
	RevokedAt time.Time
}

// CRL signs, with the issuing CA, a revocation list of number listing the
// given serials, in DER.
func (a *Authority) CRL(revoked []Revoked, number int64, now time.Time) ([]byte, error) {
	entries := make([]x509.RevocationListEntry, 0, len(revoked))
	for _, r := range revoked {
		serial, ok := new(big.Int).SetString(r.Serial, 16)
		if !ok {
			return nil, fmt.Errorf("agentca: crl: bad serial %q", r.Serial)
		}
		entries = append(entries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: r.RevokedAt.UTC()})
	}
	tmpl := &x509.RevocationList{
		Number:                    big.NewInt(number),
		ThisUpdate:                now.UTC(),
		NextUpdate:                now.UTC().Add(CRLValidity),
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, a.issuing, a.issuingKey)
	if err != nil {
		return nil, fmt.Errorf("agentca: crl: %w", err)
	}
	return der, nil
}
