package monitor

import (
	"context"
	"crypto/x509"
	"strings"
	"sync"

	"certinel.dev/server/internal/certs"
)

// orgPools keeps each organization's CA pool while its bundles stay the
// same: the trust cache is keyed on pool identity, so a pool rebuilt per
// batch would never hit.
type orgPools struct {
	mu sync.Mutex
	m  map[string]orgPool
}

type orgPool struct {
	revision string
	pool     *x509.CertPool
}

// OrgRoots returns the organization's CA bundles as the pool chains are
// judged against, nil when it has none.
func (in *Ingester) OrgRoots(ctx context.Context, orgID string) (*x509.CertPool, error) {
	return in.pools.get(ctx, in, orgID)
}

// get returns the organization's pool, nil when it has no bundles.
func (p *orgPools) get(ctx context.Context, in *Ingester, orgID string) (*x509.CertPool, error) {
	bundles, err := in.store.ListCABundles(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(bundles))
	for i, b := range bundles {
		ids[i] = b.ID
	}
	revision := strings.Join(ids, ",")
	p.mu.Lock()
	cached, ok := p.m[orgID]
	p.mu.Unlock()
	if ok && cached.revision == revision {
		return cached.pool, nil
	}
	var all []*certs.Cert
	for _, b := range bundles {
		cs, err := certs.ParsePEMBundle([]byte(b.PEM), 0)
		if err != nil {
			// Bundles are validated on upload; one that no longer parses
			// (a stricter parser) must not stop ingest.
			in.log.Warn("skipping unreadable CA bundle", "bundle", b.ID, "err", err)
			continue
		}
		all = append(all, cs...)
	}
	var pool *x509.CertPool
	if len(all) > 0 {
		pool = certs.Pool(all)
	}
	p.mu.Lock()
	p.m[orgID] = orgPool{revision: revision, pool: pool}
	p.mu.Unlock()
	return pool, nil
}
