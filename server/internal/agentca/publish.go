package agentca

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
)

// crlReuse is how long a signed CRL is handed out again while no
// revocation changed it: each new one takes a number from the database, a
// write an anonymous fetch should not cause every time.
const crlReuse = time.Hour

// Publisher hands out the current CRL of the agent CA, signing a new one
// (with the next number) when the revoked serials changed or the last one
// is older than crlReuse.
type Publisher struct {
	CA    *Authority
	Store *store.Store

	mu      sync.Mutex
	der     []byte
	serials []string
	signed  time.Time
}

// CRL is the current revocation list in DER.
func (p *Publisher) CRL(ctx context.Context) ([]byte, error) {
	revoked, err := p.Store.RevokedAgentCertificates(ctx)
	if err != nil {
		return nil, fmt.Errorf("agentca: crl: %w", err)
	}
	serials := make([]string, len(revoked))
	entries := make([]Revoked, len(revoked))
	for i, r := range revoked {
		serials[i] = r.Serial
		entries[i] = Revoked{Serial: r.Serial, RevokedAt: *r.RevokedAt}
	}
	now := p.Store.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.der != nil && slices.Equal(serials, p.serials) && now.Sub(p.signed) < crlReuse {
		return p.der, nil
	}
	number, err := p.Store.NextCRLNumber(ctx)
	if err != nil {
		return nil, fmt.Errorf("agentca: crl: %w", err)
	}
	der, err := p.CA.CRL(entries, number, now)
	if err != nil {
		return nil, err
	}
	p.der, p.serials, p.signed = der, serials, now
	return der, nil
}
