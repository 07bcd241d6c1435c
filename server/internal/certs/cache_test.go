package certs

import (
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

func TestCacheRespectsRootExpiry(t *testing.T) {
	root := mint(t, spec{cn: "Short Root", ca: true, from: now.Add(-days(100)), to: now.Add(days(10))}, nil)
	inter := mint(t, spec{cn: "Long Intermediate", ca: true, from: now.Add(-days(100)), to: now.Add(days(300))}, root)
	leaf := mint(t, spec{cn: "www.example.com", dns: []string{"www.example.com"}}, inter).cert
	in := Input{Chain: []*Cert{leaf, inter.cert}, Host: "www.example.com", Now: now,
		Roots: Pool([]*Cert{root.cert}), Policy: DefaultPolicy(), Cache: NewCache(10, 10)}
	if got := Judge(in).Trust.Status; got != TrustTrusted {
		t.Fatalf("trust today %q; want %q", got, TrustTrusted)
	}
	in.Now = now.Add(days(20))
	if got := Judge(in).Trust.Status; got != TrustExpiredChain {
		t.Errorf("trust after the root expired %q; want %q", got, TrustExpiredChain)
	}
}

func TestCacheKeysOnPools(t *testing.T) {
	p := newPKI(t)
	in := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	in.Cache = NewCache(10, 10)
	withOrgRoots(&in, p.orgRoot.cert)
	if got := Judge(in).Trust.Status; got != TrustTrustedOrgCA {
		t.Fatalf("trust with the org CA %q; want %q", got, TrustTrustedOrgCA)
	}
	in.OrgRoots, in.OrgRootsID = nil, [32]byte{}
	if got := Judge(in).Trust.Status; got != TrustUnknownAuthority {
		t.Errorf("trust without the org CA %q; want %q", got, TrustUnknownAuthority)
	}
}

// The organization's pool is named by its contents: one built again from
// the same certificates finds the verdict, in any order; one without a
// name is not cached at all, since its contents are unknown.
func TestCacheKeysOnPoolContents(t *testing.T) {
	p := newPKI(t)
	cache := NewCache(10, 10)
	in := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	in.Cache = cache
	withOrgRoots(&in, p.orgRoot.cert, p.otherRoot.cert)
	if got := Judge(in).Trust.Status; got != TrustTrustedOrgCA {
		t.Fatalf("trust with the org CA %q; want %q", got, TrustTrustedOrgCA)
	}
	rebuilt := in
	withOrgRoots(&rebuilt, p.otherRoot.cert, p.orgRoot.cert)
	key, ok := newCacheKey(&rebuilt)
	if _, hit := cache.get(key, now); !ok || !hit {
		t.Error("a pool built again from the same certificates misses the cache")
	}
	other := in
	withOrgRoots(&other, p.otherRoot.cert)
	if key, ok := newCacheKey(&other); !ok || key == (cacheKey{}) {
		t.Fatal("a named pool is not cacheable")
	} else if _, hit := cache.get(key, now); hit {
		t.Error("a pool of other certificates finds the verdict")
	}
	unnamed := in
	unnamed.OrgRootsID = [32]byte{}
	if _, ok := newCacheKey(&unnamed); ok {
		t.Error("a pool without a name keys the cache")
	}
	if _, ok := newLinkKey(&unnamed); ok {
		t.Error("a pool without a name keys the links")
	}
}

func TestCacheConcurrentAndBounded(t *testing.T) {
	p := newPKI(t)
	chains := make([][]*Cert, 4)
	for i := range chains {
		chains[i] = []*Cert{p.leaf(t, p.inter, nil), p.inter.cert}
	}
	cache := NewCache(2, 2)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				in := p.input(chains[(w+i)%len(chains)]...)
				in.Cache = cache
				if v := Judge(in); v.Status != lifecycle.StatusOK {
					t.Errorf("status %q (%s)", v.Status, v.Trust.Reason)
				}
			}
		})
	}
	wg.Wait()
	if n := len(cache.entries); n > 2 {
		t.Errorf("cache holds %d entries; want at most 2", n)
	}
}

// An untrusted chain is judged once per pool: the next scan reuses the
// failure, an uploaded bundle (a new pool) judges it again, and inventory
// hints are looked up afresh on every judgement.
func TestCacheRemembersFailures(t *testing.T) {
	p := newPKI(t)
	cache := NewCache(10, 10)
	leaf := p.leaf(t, p.orgInter, nil)
	in := p.input(leaf)
	in.Cache = cache
	first := Judge(in).Trust
	if first.Status != TrustIncompleteChain || first.MissingKnown {
		t.Fatalf("first judgement %+v; want an incomplete chain, issuer unknown", first)
	}
	key, _ := newCacheKey(&in)
	if _, ok := cache.get(key, now.Add(time.Hour)); !ok {
		t.Fatal("the failure was not cached")
	}
	if _, ok := cache.get(key, now.Add(failureTTL+time.Minute)); ok {
		t.Error("a failure is reused past failureTTL")
	}

	in.Known = func(string) *Cert { return p.orgInter.cert }
	hinted := Judge(in).Trust
	if !hinted.MissingKnown || hinted.ValidWithKnown || hinted.Status != TrustIncompleteChain {
		t.Errorf("with the intermediate in the inventory %+v; want missing_known, still invalid without the org root", hinted)
	}

	withOrgRoots(&in, p.orgRoot.cert)
	in.Known = nil
	if got := Judge(in).Trust; got.Status != TrustIncompleteChain {
		t.Errorf("org root without its intermediate: %q; want %q", got.Status, TrustIncompleteChain)
	}
	in.Chain = []*Cert{leaf, p.orgInter.cert}
	if got := Judge(in).Trust; got.Status != TrustTrustedOrgCA {
		t.Errorf("after the bundle upload %q (%s); want %q", got.Status, got.Reason, TrustTrustedOrgCA)
	}
}
