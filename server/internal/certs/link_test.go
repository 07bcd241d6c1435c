package certs

import (
	"crypto/x509"
	"reflect"
	"testing"
	"time"
)

// sameAsUncached judges in with its cache and without any, and fails when
// the trust verdicts differ: a cache may save work, never change a verdict.
func sameAsUncached(t *testing.T, in Input) Trust {
	t.Helper()
	got := Judge(in).Trust
	in.Cache = nil
	if want := Judge(in).Trust; !reflect.DeepEqual(got, want) {
		t.Errorf("trust with the cache %+v\nwithout %+v", got, want)
	}
	return got
}

func TestLinkVerifiesNewLeafAsX509Does(t *testing.T) {
	p := newPKI(t)
	for _, tc := range []struct {
		name  string
		inter *issued
		org   bool
		want  string
	}{
		{"system roots", p.inter, false, TrustTrusted},
		{"organization CA", p.orgInter, true, TrustTrustedOrgCA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := NewCache(10, 10)
			judge := func(leaf *Cert) Input {
				in := p.input(leaf, tc.inter.cert)
				in.Cache = cache
				if tc.org {
					withOrgRoots(&in, p.orgRoot.cert)
				}
				return in
			}
			first := judge(p.leaf(t, tc.inter, nil))
			if got := sameAsUncached(t, first).Status; got != tc.want {
				t.Fatalf("first leaf: trust %q; want %q", got, tc.want)
			}
			if len(cache.links) != 1 {
				t.Fatalf("%d links after the first leaf; want 1", len(cache.links))
			}
			next := judge(p.leaf(t, tc.inter, func(s *spec) { s.from, s.to = now.Add(-days(1)), now.Add(days(40)) }))
			at := verifyTime(next.Chain, next.Now)
			linked, ok := cache.viaLink(&next, at)
			if !ok {
				t.Fatal("a new leaf under the same intermediate did not use the link")
			}
			if full := verifyChain(&next, at); !reflect.DeepEqual(linked, full) {
				t.Errorf("linked entry %+v\nfull verification %+v", linked, full)
			}
			sameAsUncached(t, next)
		})
	}
}

func TestLinkRefusesLookalikeIntermediate(t *testing.T) {
	p := newPKI(t)
	cache := NewCache(10, 10)
	good := p.input(p.leaf(t, p.inter, nil), p.inter.cert)
	good.Cache = cache
	if got := sameAsUncached(t, good).Status; got != TrustTrusted {
		t.Fatalf("good chain: trust %q", got)
	}
	// Same subject as the trusted intermediate, another key, issued by a
	// root nobody trusts.
	// Its subject key ID is copied too, so its leaves name the same issuer
	// and key ID as the good intermediate's.
	lookalike := mint(t, spec{cn: "Test Intermediate", ca: true, from: now.Add(-days(365)), to: now.Add(days(3650)),
		edit: func(c *x509.Certificate) { c.SubjectKeyId = p.inter.cert.X509.SubjectKeyId }}, p.otherRoot)
	if string(lookalike.cert.X509.RawSubject) != string(p.inter.cert.X509.RawSubject) {
		t.Fatal("the lookalike's subject differs")
	}
	forged := p.leaf(t, lookalike, nil)
	for _, tc := range []struct {
		name  string
		chain []*Cert
	}{
		{"presented with the lookalike", []*Cert{forged, lookalike.cert}},
		{"presented with the good intermediate", []*Cert{forged, p.inter.cert}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := p.input(tc.chain...)
			in.Cache = cache
			if got := sameAsUncached(t, in); got.Trusted() {
				t.Errorf("a leaf signed by the lookalike's key is %q", got.Status)
			}
		})
	}
	// A second intermediate of the trusted root under the same name (a key
	// rotation) is trusted, through its own path.
	rotated := mint(t, spec{cn: "Test Intermediate", ca: true, from: now.Add(-days(365)), to: now.Add(days(3650))}, p.root)
	in := p.input(p.leaf(t, rotated, nil), rotated.cert)
	in.Cache = cache
	if got := sameAsUncached(t, in).Status; got != TrustTrusted {
		t.Errorf("leaf of the rotated intermediate: trust %q; want %q", got, TrustTrusted)
	}
}

func TestLinkKeysOnPools(t *testing.T) {
	p := newPKI(t)
	cache := NewCache(10, 10)
	first := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	first.Cache = cache
	withOrgRoots(&first, p.orgRoot.cert)
	if got := sameAsUncached(t, first).Status; got != TrustTrustedOrgCA {
		t.Fatalf("first leaf: trust %q", got)
	}
	// The organization replaced its bundle: a new pool without its CA.
	next := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	next.Cache = cache
	withOrgRoots(&next, p.otherRoot.cert)
	if got := sameAsUncached(t, next).Status; got != TrustUnknownAuthority {
		t.Errorf("new leaf after the bundle changed: trust %q; want %q", got, TrustUnknownAuthority)
	}
}

func TestLinkRespectsRootExpiry(t *testing.T) {
	root := mint(t, spec{cn: "Short Root", ca: true, from: now.Add(-days(100)), to: now.Add(days(10))}, nil)
	inter := mint(t, spec{cn: "Long Intermediate", ca: true, from: now.Add(-days(100)), to: now.Add(days(300))}, root)
	cache := NewCache(10, 10)
	judge := func(at time.Time) Input {
		leaf := mint(t, spec{cn: "www.example.com", dns: []string{"www.example.com"}}, inter).cert
		return Input{Chain: []*Cert{leaf, inter.cert}, Host: "www.example.com", Now: at,
			Roots: Pool([]*Cert{root.cert}), Policy: DefaultPolicy(), Cache: cache}
	}
	in := judge(now)
	in.Roots = Pool([]*Cert{root.cert})
	if got := sameAsUncached(t, in).Status; got != TrustTrusted {
		t.Fatalf("trust today %q", got)
	}
	later := judge(now.Add(days(20)))
	later.Roots = in.Roots
	if got := sameAsUncached(t, later).Status; got != TrustExpiredChain {
		t.Errorf("new leaf after the root expired: trust %q; want %q", got, TrustExpiredChain)
	}
}

func TestLinkSkipsConstrainedPaths(t *testing.T) {
	p := newPKI(t)
	constrainedInter := mint(t, spec{cn: "Constrained Intermediate", ca: true, from: now.Add(-days(365)), to: now.Add(days(3650)),
		edit: func(c *x509.Certificate) { c.PermittedDNSDomains = []string{"example.com"} }}, p.root)
	cache := NewCache(10, 10)
	in := p.input(p.leaf(t, constrainedInter, nil), constrainedInter.cert)
	in.Cache = cache
	if got := sameAsUncached(t, in).Status; got != TrustTrusted {
		t.Fatalf("leaf inside the constraint: trust %q", got)
	}
	if len(cache.links) != 0 {
		t.Errorf("%d links through a name-constrained intermediate; want none", len(cache.links))
	}
	outside := p.input(p.leaf(t, constrainedInter, func(s *spec) { s.cn, s.dns = "www.example.org", []string{"www.example.org"} }), constrainedInter.cert)
	outside.Host, outside.Cache = "www.example.org", cache
	if got := sameAsUncached(t, outside); got.Trusted() {
		t.Errorf("leaf outside the constraint: trust %q", got.Status)
	}
}

func TestLinkDefersToLeafInPool(t *testing.T) {
	p := newPKI(t)
	pinned := p.leaf(t, p.orgInter, func(s *spec) { s.cn = "pinned.example.com" })
	cache := NewCache(10, 10)
	first := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	first.Cache = cache
	withOrgRoots(&first, p.orgRoot.cert, pinned)
	sameAsUncached(t, first)
	if len(cache.links) != 1 {
		t.Fatalf("%d links; want 1", len(cache.links))
	}
	// x509 trusts a certificate of the pool directly: its anchor is itself.
	next := p.input(pinned, p.orgInter.cert)
	next.Cache = cache
	withOrgRoots(&next, p.orgRoot.cert, pinned)
	if got := sameAsUncached(t, next); got.Anchor != "pinned.example.com" {
		t.Errorf("anchor %q; want the pinned certificate", got.Anchor)
	}
}

// Links are bounded apart from verdicts: each holds parsed certificates.
func TestLinksBounded(t *testing.T) {
	p := newPKI(t)
	cache := NewCache(10, 1)
	sys := p.input(p.leaf(t, p.inter, nil), p.inter.cert)
	sys.Cache = cache
	org := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	org.Cache = cache
	withOrgRoots(&org, p.orgRoot.cert)
	for _, in := range []Input{sys, org} {
		sameAsUncached(t, in)
		if n := len(cache.links); n != 1 {
			t.Errorf("%d links; want 1, the latest", n)
		}
	}
	if n := len(cache.entries); n != 2 {
		t.Errorf("%d verdicts; want both", n)
	}
}
