package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"
)

// Cache remembers chains that verified, so that a chain seen on many targets
// or again at the next scan costs a map lookup instead of signature checks,
// which are almost all of Judge's time. It is safe for concurrent use. The
// cache keys on pool identity: build a new pool when a CA bundle changes
// rather than adding to one already used with the cache.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[cacheKey]cacheEntry
}

// NewCache returns a cache of at most max chains; when full it starts over,
// which keeps memory bounded without bookkeeping on the hot path.
func NewCache(max int) *Cache {
	return &Cache{max: max, entries: make(map[cacheKey]cacheEntry)}
}

// cacheKey holds the pools themselves, which keeps them reachable: a pool's
// address cannot be reused by a new pool while an entry names it.
type cacheKey struct {
	chain    [sha256.Size]byte
	roots    *x509.CertPool
	orgRoots *x509.CertPool
}

// cacheEntry is valid for any verification instant inside [from, until],
// the validity shared by every certificate of the verified chain: inside
// it, x509 would build the same chain again.
type cacheEntry struct {
	status, anchor string
	from, until    time.Time
}

// maxCachedChain bounds the key buffer; longer chains are not cached.
const maxCachedChain = 8

func newCacheKey(in *Input) (cacheKey, bool) {
	if len(in.Chain) > maxCachedChain {
		return cacheKey{}, false
	}
	var buf [maxCachedChain * 2 * sha256.Size]byte
	n := 0
	for _, c := range in.Chain {
		n += copy(buf[n:], c.Facts.SHA256)
	}
	return cacheKey{chain: sha256.Sum256(buf[:n]), roots: in.Roots, orgRoots: in.OrgRoots}, true
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
