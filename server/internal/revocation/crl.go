package revocation

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"net/http"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
)

// Bounds of the CRLs kept between passes, by URL.
const (
	// maxCachedCRLs and maxCachedCRLBytes bound the cache: a CRL is kept
	// whole to verify its signature against each issuer that names it.
	maxCachedCRLs     = 256
	maxCachedCRLBytes = 128 << 20
	// crlRecheck is how long a kept CRL is used without asking its server
	// again. CAs publish a revocation in a fresh CRL long before the old
	// one's next update, so the server is asked (conditionally, cheaply)
	// again after this even when the kept CRL is still current.
	crlRecheck = time.Hour
)

// loadCRL returns the CRL at u: the kept one while it is recent, else
// fetched, conditionally when one is kept. A failed fetch falls back on
// the kept CRL while it is current (one an agent pushed, say, since the
// server cannot fetch its address). why says why there is none; refused
// that the SSRF guard refused the address, so an agent may be asked.
func (c *Checker) loadCRL(ctx context.Context, u string) (crl *cachedCRL, why string, refused bool) {
	now := c.now()
	kept := c.crls.get(u)
	if kept != nil && now.Sub(kept.fetched) < crlRecheck && !kept.expired(now) {
		return kept, "", false
	}
	what := describe("CRL server", u)
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", what, err), false
	}
	if kept != nil {
		if kept.etag != "" {
			req.Header.Set("If-None-Match", kept.etag)
		}
		if kept.lastModified != "" {
			req.Header.Set("If-Modified-Since", kept.lastModified)
		}
	}
	got, err := c.fetch(ctx, req, maxCRL, what)
	switch {
	case err != nil && kept != nil && !kept.expired(now):
		return kept, "", refusedAddress(err)
	case err != nil:
		return nil, err.Error(), refusedAddress(err)
	case got.status == http.StatusNotModified && kept != nil:
		again := *kept
		again.fetched = now
		c.crls.put(u, &again)
		return &again, "", false
	case got.status == http.StatusNotModified:
		return nil, what + " answered HTTP 304 to a request that was not conditional", false
	}
	parsed, err := parseCRL(got.body)
	if err != nil {
		return nil, fmt.Sprintf("the CRL at %s %v", u, err), false
	}
	fresh := &cachedCRL{parsedCRL: parsed, etag: got.header.Get("ETag"), lastModified: got.header.Get("Last-Modified"),
		fetched: now, origin: store.OriginFetched}
	c.crls.put(u, fresh)
	return fresh, "", false
}

// parseCRL reads a DER CRL, wherever it came from; the error completes
// "the CRL ...".
func parseCRL(der []byte) (*parsedCRL, error) {
	list, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("does not parse: %w", err)
	}
	return newParsedCRL(list), nil
}

// keepPushed keeps a CRL an agent pushed, verified, for u: passes use it
// like a fetched one, and past crlRecheck fall back on it until its next
// update while the agent is asked again. An older CRL than the one kept is not taken, so a
// replayed CRL cannot hide a newer revocation.
func (c *Checker) keepPushed(u string, parsed *parsedCRL, agentID string) *cachedCRL {
	if kept := c.crls.get(u); kept != nil && kept.list.ThisUpdate.After(parsed.list.ThisUpdate) {
		return kept
	}
	e := &cachedCRL{parsedCRL: parsed, fetched: c.now(), origin: store.OriginAgent, agentID: agentID}
	c.crls.put(u, e)
	return e
}

// parsedCRL is a CRL's content, shared by the cache entries of its URL
// until a new one replaces it.
type parsedCRL struct {
	list    *x509.RevocationList // without its entries, which revoked holds
	size    int
	revoked map[string]revokedEntry // by serial number in decimal
	mu      sync.Mutex
	checked map[[32]byte]error // signature verified against an issuer, by its fingerprint
}

type revokedEntry struct {
	at     time.Time
	reason int
}

func newParsedCRL(list *x509.RevocationList) *parsedCRL {
	p := &parsedCRL{list: list, size: len(list.Raw), revoked: make(map[string]revokedEntry, len(list.RevokedCertificateEntries)),
		checked: map[[32]byte]error{}}
	for _, e := range list.RevokedCertificateEntries {
		p.revoked[e.SerialNumber.String()] = revokedEntry{at: e.RevocationTime.UTC(), reason: e.ReasonCode}
	}
	list.RevokedCertificateEntries = nil
	return p
}

// cachedCRL is a CRL as fetched from one URL, by the server or by an
// agent (origin, agentID).
type cachedCRL struct {
	*parsedCRL
	etag, lastModified string
	fetched            time.Time
	origin, agentID    string
}

func (p *parsedCRL) expired(now time.Time) bool {
	return !p.list.NextUpdate.IsZero() && p.list.NextUpdate.Before(now)
}

// status answers for cert, once the CRL verifies against its issuer and
// is current.
func (p *parsedCRL) status(cert, issuer *x509.Certificate, now time.Time) Status {
	if err := p.verify(issuer); err != nil {
		return unavailable(SourceCRL, fmt.Sprintf("the CRL's signature does not verify against the issuer: %v", err))
	}
	if p.expired(now) {
		return unavailable(SourceCRL, "the CRL expired on "+p.list.NextUpdate.UTC().Format(time.RFC3339)+" (its next update has passed)")
	}
	st := Status{State: StateGood, Source: SourceCRL, ThisUpdate: p.list.ThisUpdate.UTC(), NextUpdate: p.list.NextUpdate.UTC()}
	if e, ok := p.revoked[cert.SerialNumber.String()]; ok {
		st.State, st.RevokedAt, st.Reason = StateRevoked, e.at, ReasonName(e.reason)
	}
	return st
}

// verify checks the CRL's signature against issuer, once per issuer: two
// CAs' certificates may name the same URL, and only the right one's
// answers must be believed.
func (p *parsedCRL) verify(issuer *x509.Certificate) error {
	key := sha256.Sum256(issuer.Raw)
	p.mu.Lock()
	defer p.mu.Unlock()
	err, ok := p.checked[key]
	if !ok {
		err = p.list.CheckSignatureFrom(issuer)
		p.checked[key] = err
	}
	return err
}

// crlCache keeps CRLs by URL between passes, within a count and a total
// size; the oldest fetched goes first.
type crlCache struct {
	mu       sync.Mutex
	m        map[string]*cachedCRL
	maxCount int
}

func newCRLCache(maxCount int) *crlCache {
	return &crlCache{m: map[string]*cachedCRL{}, maxCount: maxCount}
}

func (c *crlCache) get(u string) *cachedCRL {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[u]
}

func (c *crlCache) put(u string, e *cachedCRL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[u] = e
	for len(c.m) > 1 && (len(c.m) > c.maxCount || c.bytes() > maxCachedCRLBytes) {
		oldest := ""
		for k, v := range c.m {
			if k != u && (oldest == "" || v.fetched.Before(c.m[oldest].fetched)) {
				oldest = k
			}
		}
		delete(c.m, oldest)
	}
}

func (c *crlCache) bytes() int {
	n := 0
	for _, v := range c.m {
		n += v.size
	}
	return n
}
