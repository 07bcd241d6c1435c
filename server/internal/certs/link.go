package certs

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"time"
)

// A link is where a verified leaf hangs: the path x509 built above it, from
// the certificate that signed it to the root. Thousands of leaves share a
// few intermediates, so a new leaf under a known link is judged with one
// signature check (the leaf's own) instead of one per certificate of the
// path. The verdict must be the one x509.Verify would give, so a link is
// used only where that provably holds:
//
//   - the key holds everything chain building looks at besides the leaf:
//     the presented certificates above it, in order, the issuer name and
//     key ID the leaf names (they pick and order the candidate parents),
//     and the pools;
//   - no certificate of the path, nor the new leaf, carries name or policy
//     constraints, the only checks x509 applies to a whole path at once and
//     so to the leaf's contents;
//   - the new leaf is checked as x509 checks a leaf (critical extensions,
//     validity at the instant, the signature from the path's first
//     certificate) and is in no pool itself (x509 would trust it directly);
//   - the path was built on the organization's CAs only when the system
//     roots built no chain at all, which does not depend on the leaf.
//
// Any doubt falls back to the full verification, which also gives every
// failure its usual diagnosis: a link can only confirm a success.
type linkKey struct {
	above    [sha256.Size]byte
	roots    *x509.CertPool
	orgRoots [sha256.Size]byte // as cacheKey's
}

// linkEntry is the verified path above a leaf and how it verified. It is
// valid for any verification instant inside [from, until], the path's
// common validity.
type linkEntry struct {
	status      string
	path        []*x509.Certificate
	from, until time.Time
}

func newLinkKey(in *Input) (linkKey, bool) {
	if len(in.Chain) > maxCachedChain || !cacheable(in) {
		return linkKey{}, false
	}
	leaf := in.Chain[0].X509
	h := sha256.New()
	for _, c := range in.Chain[1:] {
		h.Write([]byte(c.Facts.SHA256))
	}
	// Lengths keep the variable parts apart.
	h.Write([]byte{byte(len(leaf.RawIssuer) >> 8), byte(len(leaf.RawIssuer))})
	h.Write(leaf.RawIssuer)
	h.Write(leaf.AuthorityKeyId)
	var k linkKey
	h.Sum(k.above[:0])
	k.roots, k.orgRoots = in.Roots, in.OrgRootsID
	return k, true
}

// putLink remembers the path above a leaf that verified, when it is one a
// new leaf can reuse.
func (c *Cache) putLink(in *Input, status string, verified []*x509.Certificate, sysBuiltNone bool) {
	// A leaf signed directly by a root gains nothing.
	if len(verified) < 3 || (status == TrustTrustedOrgCA && !sysBuiltNone) {
		return
	}
	path := verified[1:]
	for _, p := range path {
		if constrained(p) {
			return
		}
	}
	k, ok := newLinkKey(in)
	if !ok {
		return
	}
	e := linkEntry{status: status, path: path, from: path[0].NotBefore, until: path[0].NotAfter}
	for _, p := range path[1:] {
		if p.NotBefore.After(e.from) {
			e.from = p.NotBefore
		}
		if p.NotAfter.Before(e.until) {
			e.until = p.NotAfter
		}
	}
	c.mu.Lock()
	if len(c.links) >= c.maxLinks {
		clear(c.links)
	}
	c.links[k] = e
	c.mu.Unlock()
}

// viaLink verifies in's chain with a known link, and reports whether it
// could: false means "verify in full", never "untrusted".
func (c *Cache) viaLink(in *Input, at time.Time) (cacheEntry, bool) {
	k, ok := newLinkKey(in)
	if !ok {
		return cacheEntry{}, false
	}
	c.mu.Lock()
	e, ok := c.links[k]
	c.mu.Unlock()
	if !ok || at.Before(e.from) || at.After(e.until) {
		return cacheEntry{}, false
	}
	leaf := in.Chain[0].X509
	if !leafFits(leaf, e.path, at) {
		return cacheEntry{}, false
	}
	if inPool(leaf, in.Roots, at) || (e.status == TrustTrustedOrgCA && inPool(leaf, in.OrgRoots, at)) {
		return cacheEntry{}, false
	}
	if leaf.CheckSignatureFrom(e.path[0]) != nil {
		return cacheEntry{}, false
	}
	verified := make([]*x509.Certificate, 0, len(e.path)+1)
	return newCacheEntry(e.status, append(append(verified, leaf), e.path...)), true
}

// leafFits checks what x509 checks of a leaf on its own at the instant at,
// and that the leaf stays out of the path's way: x509 skips a candidate
// parent with the leaf's own subject (loops), and would apply the leaf's
// constraints to the whole path.
func leafFits(leaf *x509.Certificate, path []*x509.Certificate, at time.Time) bool {
	if len(leaf.UnhandledCriticalExtensions) > 0 || at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) || constrained(leaf) {
		return false
	}
	for _, p := range path {
		if bytes.Equal(p.RawSubject, leaf.RawSubject) {
			return false
		}
	}
	return true
}

// inPool reports whether x509 could anchor the leaf in pool by itself:
// the leaf is in the pool, or a certificate of the pool may have issued it.
// Either way the link's path is not the whole story. Only the pool is
// searched, so a leaf with no candidate parent in it costs no signature
// check.
func inPool(leaf *x509.Certificate, pool *x509.CertPool, at time.Time) bool {
	if pool == nil {
		return false
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: at, KeyUsages: anyUsage})
	var ua x509.UnknownAuthorityError
	return !errors.As(err, &ua) || ua.Error() != (x509.UnknownAuthorityError{Cert: leaf}).Error()
}

// constrained reports name or policy constraints, which x509 checks over a
// whole path with the leaf's names and policies.
func constrained(c *x509.Certificate) bool {
	names := len(c.PermittedDNSDomains) + len(c.ExcludedDNSDomains) + len(c.PermittedIPRanges) + len(c.ExcludedIPRanges) +
		len(c.PermittedEmailAddresses) + len(c.ExcludedEmailAddresses) + len(c.PermittedURIDomains) + len(c.ExcludedURIDomains)
	policies := c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero || c.InhibitPolicyMapping > 0 || c.InhibitPolicyMappingZero ||
		c.InhibitAnyPolicy > 0 || c.InhibitAnyPolicyZero || len(c.PolicyMappings) > 0
	return names > 0 || c.PermittedDNSDomainsCritical || policies
}
