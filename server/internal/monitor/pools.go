package monitor

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"sync"

	"certinel.dev/server/internal/certs"
)

// maxPools bounds the organization pools kept. A pool is cheap to build
// again, and the trust cache keys on a pool's contents, not its identity,
// so a rebuilt pool still finds the chains the first one verified; what
// grows with the organizations is not kept.
const maxPools = 1000

// orgPools keeps recently used organizations' CA pools while their
// bundles stay the same, so that a big organization's batches do not
// parse its bundles each time. When full it starts over, as certs.Cache.
type orgPools struct {
	mu sync.Mutex
	m  map[string]orgPool
}

type orgPool struct {
	revision string
	pool     *x509.CertPool
	id       [sha256.Size]byte
}

// OrgRoots returns the organization's CA bundles as the pool chains are
// judged against, nil when it has none.
func (in *Ingester) OrgRoots(ctx context.Context, orgID string) (*x509.CertPool, error) {
	p, err := in.pools.get(ctx, in, orgID)
	return p.pool, err
}

// get returns the organization's pool, nil when it has no bundles.
func (p *orgPools) get(ctx context.Context, in *Ingester, orgID string) (orgPool, error) {
	bundles, err := in.store.ListCABundles(ctx, orgID)
	if err != nil {
		return orgPool{}, err
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
		return cached, nil
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
	made := orgPool{revision: revision}
	if len(all) > 0 {
		made.pool, made.id = certs.Pool(all), certs.PoolID(all)
	}
	p.mu.Lock()
	if len(p.m) >= maxPools {
		clear(p.m)
	}
	p.m[orgID] = made
	p.mu.Unlock()
	return made, nil
}
