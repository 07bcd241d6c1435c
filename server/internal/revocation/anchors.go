package revocation

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"
	"time"
)

// anchors finds the issuer of a certificate no served chain presents one
// for, as for an intermediate sent without its root: a root of the
// system's or of the organization's CA bundles that signed it. The
// organizations' pools are kept for one pass.
type anchors struct {
	system   *x509.CertPool
	orgRoots func(ctx context.Context, orgID string) (*x509.CertPool, error)
	mu       sync.Mutex
	orgs     map[string]*x509.CertPool
}

// issuerOf returns the certificate that issued cert: presented, the one a
// chain placed next to it, when it did, else a root that did (nil when
// none did).
func (a *anchors) issuerOf(ctx context.Context, orgID string, cert, presented *x509.Certificate, now time.Time) (*x509.Certificate, error) {
	if issuedBy(cert, presented) {
		return presented, nil
	}
	return a.issuer(ctx, orgID, cert, now)
}

// issuer returns the root that issued cert, or nil when none did.
func (a *anchors) issuer(ctx context.Context, orgID string, cert *x509.Certificate, now time.Time) (*x509.Certificate, error) {
	org, err := a.orgPool(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, pool := range []*x509.CertPool{a.system, org} {
		if pool == nil {
			continue
		}
		chains, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err == nil && len(chains) > 0 && len(chains[0]) > 1 {
			return chains[0][1], nil
		}
	}
	return nil, nil
}

// orgPool is the organization's CA bundles as a pool, nil when it has none.
func (a *anchors) orgPool(ctx context.Context, orgID string) (*x509.CertPool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if pool, ok := a.orgs[orgID]; ok || a.orgRoots == nil {
		return pool, nil
	}
	pool, err := a.orgRoots(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("revocation: CA bundles of %s: %w", orgID, err)
	}
	a.orgs[orgID] = pool
	return pool, nil
}
