package certs

import (
	"sync"
	"testing"
)

func TestCacheRespectsRootExpiry(t *testing.T) {
	root := mint(t, spec{cn: "Short Root", ca: true, from: now.Add(-days(100)), to: now.Add(days(10))}, nil)
	inter := mint(t, spec{cn: "Long Intermediate", ca: true, from: now.Add(-days(100)), to: now.Add(days(300))}, root)
	leaf := mint(t, spec{cn: "www.example.com", dns: []string{"www.example.com"}}, inter).cert
	in := Input{Chain: []*Cert{leaf, inter.cert}, Host: "www.example.com", Now: now,
		Roots: Pool([]*Cert{root.cert}), Policy: DefaultPolicy(), Cache: NewCache(10)}
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
	in.Cache = NewCache(10)
	in.OrgRoots = p.orgRoots
	if got := Judge(in).Trust.Status; got != TrustTrustedOrgCA {
		t.Fatalf("trust with the org CA %q; want %q", got, TrustTrustedOrgCA)
	}
	in.OrgRoots = nil
	if got := Judge(in).Trust.Status; got != TrustUnknownAuthority {
		t.Errorf("trust without the org CA %q; want %q", got, TrustUnknownAuthority)
	}
}

func TestCacheConcurrentAndBounded(t *testing.T) {
	p := newPKI(t)
	chains := make([][]*Cert, 4)
	for i := range chains {
		chains[i] = []*Cert{p.leaf(t, p.inter, nil), p.inter.cert}
	}
	cache := NewCache(2)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				in := p.input(chains[(w+i)%len(chains)]...)
				in.Cache = cache
				if v := Judge(in); v.Status != StatusOK {
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
