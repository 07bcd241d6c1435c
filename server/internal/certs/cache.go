package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"
)

// Cache remembers trust verdicts, so that a chain seen on many targets or
// again at the next scan costs a map lookup instead of signature checks,
// which are almost all of Judge's time. Chains that do not verify are
// remembered too: an internal CA's chains stay untrusted at every scan until
// its bundle is uploaded, which builds a new pool and so misses the cache.
// It is safe for concurrent use. The cache keys on the system pool's
// identity and on the organization pool's contents (Input.OrgRootsID):
// build a new system pool rather than add to one used with the cache.
//
// It also remembers, for chains that verified, the verified path above the
// leaf (see link.go), so that a new leaf under known intermediates costs one
// signature check instead of one per certificate.
type Cache struct {
	mu       sync.Mutex
	max      int
	maxLinks int
	entries  map[cacheKey]cacheEntry
	links    map[linkKey]linkEntry
}

// NewCache returns a cache of at most max chains and maxLinks links; when
// either is full it starts over, which keeps memory bounded without
// bookkeeping on the hot path. A link holds parsed certificates, some
// kilobytes each, where a chain's verdict holds some hundred bytes.
func NewCache(max, maxLinks int) *Cache {
	return &Cache{max: max, maxLinks: maxLinks, entries: make(map[cacheKey]cacheEntry), links: make(map[linkKey]linkEntry)}
}

// cacheKey holds the system pool itself, which keeps it reachable: its
// address cannot be reused by a new pool while an entry names it. The
// organization pools, one per organization, are named by their contents
// instead, so that entries neither keep them in memory nor miss when one
// is built again.
type cacheKey struct {
	chain    [sha256.Size]byte
	roots    *x509.CertPool
	orgRoots [sha256.Size]byte
}

// cacheEntry is valid for any verification instant inside [from, until].
// For a verified chain that is the validity shared by all its certificates:
// inside it, x509 would build the same chain again. trust carries no
// VerifiedAt and, for a failure, no inventory hints (those change as the
// inventory grows).
type cacheEntry struct {
	trust       Trust
	from, until time.Time
}

// failureTTL bounds how long a failed verification is reused: long enough
// to span the agents' scan interval, short enough that a failure which
// depends on a pool root's own validity is looked at again within a day.
const failureTTL = 24 * time.Hour

// maxCachedChain bounds the key buffer; longer chains are not cached.
const maxCachedChain = 8

// cacheable tells whether the input's pools can key the cache.
func cacheable(in *Input) bool {
	return in.OrgRoots == nil || in.OrgRootsID != [sha256.Size]byte{}
}

func newCacheKey(in *Input) (cacheKey, bool) {
	if len(in.Chain) > maxCachedChain || !cacheable(in) {
		return cacheKey{}, false
	}
	var buf [maxCachedChain * 2 * sha256.Size]byte
	n := 0
	for _, c := range in.Chain {
		n += copy(buf[n:], c.Facts.SHA256)
	}
	return cacheKey{chain: sha256.Sum256(buf[:n]), roots: in.Roots, orgRoots: in.OrgRootsID}, true
}

func (c *Cache) get(k cacheKey, at time.Time) (cacheEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	return e, ok && !at.Before(e.from) && !at.After(e.until)
}

func (c *Cache) put(k cacheKey, e cacheEntry) {
	c.mu.Lock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[k] = e
	c.mu.Unlock()
}
