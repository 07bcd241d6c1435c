package certs

import (
	"bytes"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

func TestJudge(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, p.inter, nil)
	shortInter := mint(t, spec{cn: "Short Intermediate", ca: true, from: now.Add(-days(300)), to: now.Add(days(10))}, p.root)
	expiredRoot := mint(t, spec{cn: "Expired Root", ca: true, from: now.Add(-days(3000)), to: now.Add(-days(1))}, nil)
	expiredRootInter := mint(t, spec{cn: "Expired Root Intermediate", ca: true, from: now.Add(-days(300)), to: now.Add(days(300))}, expiredRoot)
	oldInter := mint(t, spec{cn: "Old Intermediate", ca: true, from: now.Add(-days(400)), to: now.Add(-days(2))}, p.root)
	sha1Root := mint(t, spec{cn: "SHA-1 Root", ca: true, key: rsaKey(t, 2048), sigAlg: x509.SHA1WithRSA, from: now.Add(-days(3000)), to: now.Add(days(3000))}, nil)
	sha1RootLeaf := p.leaf(t, sha1Root, nil)

	tests := []struct {
		name     string
		in       Input
		status   lifecycle.Status
		trust    string
		problems []lifecycle.Problem
		check    func(t *testing.T, v Verdict)
	}{
		{
			name: "valid chain to a system root", in: p.input(leaf, p.inter.cert),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{},
			check: func(t *testing.T, v Verdict) {
				want(t, "anchor", v.Trust.Anchor, "Test Root")
				want(t, "days_left", v.DaysLeft, 80)
				want(t, "deadline position", v.Deadline.Position, 0)
				want(t, "hostname_matched_by", v.HostnameMatchedBy, "www.example.com")
				want(t, "renewal window start", v.RenewalWindow.Start, now.Add(days(50)))
				want(t, "renewal window end", v.RenewalWindow.End, now.Add(days(50)+days(30)/4))
				want(t, "verified_at", v.Trust.VerifiedAt, now)
			},
		},
		{
			name: "intermediate expires before the leaf", in: p.input(p.leaf(t, shortInter, nil), shortInter.cert),
			status: lifecycle.StatusExpiring, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemExpiring},
			check: func(t *testing.T, v Verdict) {
				want(t, "deadline position", v.Deadline.Position, 1)
				want(t, "deadline days_left", v.Deadline.DaysLeft, 10)
				want(t, "leaf days_left", v.DaysLeft, 80)
				want(t, "chain[1].days_left", v.Chain[1].DaysLeft, 10)
			},
		},
		{
			name: "expired leaf stays trusted", in: p.input(p.leaf(t, p.inter, func(s *spec) {
				s.from, s.to = now.Add(-days(90)), now.Add(-time.Hour)
			}), p.inter.cert),
			status: lifecycle.StatusExpired, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemExpired},
			check: func(t *testing.T, v Verdict) {
				want(t, "days_left", v.DaysLeft, -1)
				want(t, "expired", v.Expired, true)
				want(t, "renewal_overdue", v.RenewalOverdue, false)
				want(t, "verified_at", v.Trust.VerifiedAt, now.Add(-time.Hour))
			},
		},
		{
			name: "expired intermediate", in: p.input(p.leaf(t, oldInter, nil), oldInter.cert),
			status: lifecycle.StatusExpired, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemExpired},
			check: func(t *testing.T, v Verdict) {
				want(t, "deadline position", v.Deadline.Position, 1)
				want(t, "chain[1].expired", v.Chain[1].Expired, true)
				want(t, "leaf expired", v.Chain[0].Expired, false)
			},
		},
		{
			name: "leaf issued after its intermediate expired", in: p.input(p.leaf(t, oldInter, func(s *spec) {
				s.from = now.Add(-days(1))
			}), oldInter.cert),
			status: lifecycle.StatusExpired, trust: TrustExpiredChain, problems: []lifecycle.Problem{lifecycle.ProblemExpired, lifecycle.ProblemUntrusted},
		},
		{
			name: "expired root in the trusted pool", in: withRoots(p.input(p.leaf(t, expiredRootInter, nil), expiredRootInter.cert),
				Pool([]*Cert{expiredRoot.cert}), nil),
			status: lifecycle.StatusInvalid, trust: TrustExpiredChain, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
		},
		{
			name: "not yet valid by two minutes: clock skew", in: p.input(p.leaf(t, p.inter, func(s *spec) {
				s.from = now.Add(2 * time.Minute)
			}), p.inter.cert),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{},
			check: func(t *testing.T, v Verdict) {
				want(t, "not_yet_valid", v.NotYetValid, true)
				want(t, "clock_skew", v.ClockSkew, true)
				wantContains(t, "validity_note", v.ValidityNote, "probably clock skew")
			},
		},
		{
			name: "not yet valid for ten days", in: p.input(p.leaf(t, p.inter, func(s *spec) {
				s.from = now.Add(days(10))
			}), p.inter.cert),
			status: lifecycle.StatusInvalid, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemNotYetValid},
			check: func(t *testing.T, v Verdict) {
				want(t, "clock_skew", v.ClockSkew, false)
				wantContains(t, "validity_note", v.ValidityNote, "genuinely in the future")
			},
		},
		{
			name: "self-signed", in: p.input(mint(t, spec{cn: "www.example.com", dns: []string{"www.example.com"}}, nil).cert),
			status: lifecycle.StatusInvalid, trust: TrustSelfSigned, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
		},
		{
			name: "self-signed and trusted as the organization's own", in: func() Input {
				self := mint(t, spec{cn: "www.example.com", dns: []string{"www.example.com"}}, nil).cert
				return withRoots(p.input(self), p.roots, Pool([]*Cert{self}))
			}(),
			status: lifecycle.StatusOK, trust: TrustTrustedOrgCA, problems: []lifecycle.Problem{},
		},
		{
			name: "unknown authority: root not sent", in: p.input(p.leaf(t, p.other, nil), p.other.cert),
			status: lifecycle.StatusInvalid, trust: TrustUnknownAuthority, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				want(t, "missing_issuer", v.Trust.MissingIssuer, "CN=Other Root,O=Certinel Test")
			},
		},
		{
			name: "unknown authority: untrusted root sent", in: p.input(p.leaf(t, p.other, nil), p.other.cert, p.otherRoot.cert),
			status: lifecycle.StatusInvalid, trust: TrustUnknownAuthority, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				wantContains(t, "reason", v.Trust.Reason, "Other Root")
				want(t, "missing_issuer", v.Trust.MissingIssuer, "")
			},
		},
		{
			name: "unknown authority when no roots are configured", in: withRoots(p.input(leaf, p.inter.cert), nil, nil),
			status: lifecycle.StatusInvalid, trust: TrustUnknownAuthority, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
		},
		{
			name: "incomplete chain, intermediate unknown", in: withKnown(p.input(leaf), func(string) *Cert { return nil }),
			status: lifecycle.StatusInvalid, trust: TrustIncompleteChain, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				want(t, "missing_issuer", v.Trust.MissingIssuer, "CN=Test Intermediate,O=Certinel Test")
				want(t, "missing_aki", v.Trust.MissingAKI, p.inter.cert.Facts.SubjectKeyID)
				want(t, "missing_known", v.Trust.MissingKnown, false)
				want(t, "valid_with_known", v.Trust.ValidWithKnown, false)
			},
		},
		{
			name: "incomplete chain, intermediate in the inventory", in: withKnown(p.input(leaf), func(aki string) *Cert {
				if aki == p.inter.cert.Facts.SubjectKeyID {
					return p.inter.cert
				}
				return nil
			}),
			status: lifecycle.StatusInvalid, trust: TrustIncompleteChain, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				want(t, "missing_known", v.Trust.MissingKnown, true)
				want(t, "valid_with_known", v.Trust.ValidWithKnown, true)
				wantContains(t, "reason", v.Trust.Reason, "valid with it")
			},
		},
		{
			name: "incomplete chain of the org CA, intermediate in the inventory", in: withKnown(
				withRoots(p.input(p.leaf(t, p.orgInter, nil)), p.roots, p.orgRoots),
				func(string) *Cert { return p.orgInter.cert }),
			status: lifecycle.StatusInvalid, trust: TrustIncompleteChain, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				want(t, "valid_with_known", v.Trust.ValidWithKnown, true)
			},
		},
		{
			name: "issuer is an untrusted root in the inventory", in: withKnown(p.input(p.leaf(t, p.otherRoot, nil)),
				func(string) *Cert { return p.otherRoot.cert }),
			status: lifecycle.StatusInvalid, trust: TrustUnknownAuthority, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				want(t, "missing_known", v.Trust.MissingKnown, true)
			},
		},
		{
			name: "valid only with the organization's CA", in: withRoots(p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert), p.roots, p.orgRoots),
			status: lifecycle.StatusOK, trust: TrustTrustedOrgCA, problems: []lifecycle.Problem{},
			check: func(t *testing.T, v Verdict) {
				want(t, "anchor", v.Trust.Anchor, "Org Root")
			},
		},
		{
			name: "organization's CA without system roots", in: withRoots(p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert), nil, p.orgRoots),
			status: lifecycle.StatusOK, trust: TrustTrustedOrgCA, problems: []lifecycle.Problem{},
		},
		{
			name: "presented issuer did not sign the leaf", in: p.input(leaf, mint(t, spec{cn: "Test Intermediate", ca: true}, p.root).cert),
			status: lifecycle.StatusInvalid, trust: TrustInvalid, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
			check: func(t *testing.T, v Verdict) {
				wantContains(t, "reason", v.Trust.Reason, "not validly signed")
			},
		},
		{
			name: "hostname mismatch", in: withHost(p.input(leaf, p.inter.cert), "api.example.com", ""),
			status: lifecycle.StatusInvalid, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemHostnameMismatch},
		},
		{
			name: "SNI overrides the host", in: withHost(p.input(leaf, p.inter.cert), "10.1.2.3", "www.example.com"),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{},
			check: func(t *testing.T, v Verdict) {
				want(t, "hostname", v.Hostname, "www.example.com")
			},
		},
		{
			name: "no host given is not a mismatch", in: withHost(p.input(leaf, p.inter.cert), "", ""),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{},
		},
		{
			name: "RSA 1024", in: p.input(p.leaf(t, p.inter, func(s *spec) { s.key = rsaKey(t, 1024) }), p.inter.cert),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingRSAKeyTooSmall, 0),
		},
		{
			name: "P-224", in: p.input(p.leaf(t, p.inter, func(s *spec) { s.key = ecKey(t, elliptic.P224()) }), p.inter.cert),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingECCurveTooSmall, 0),
		},
		{
			name: "SHA-1 signature", in: p.input(p.leaf(t, p.inter, func(s *spec) { s.sigAlg = x509.ECDSAWithSHA1 }), p.inter.cert),
			status: lifecycle.StatusInvalid, trust: TrustInvalid, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted, lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingSHA1Signature, 0),
		},
		{
			name: "SHA-1 self-signature of the root does not count", in: withRoots(p.input(sha1RootLeaf, sha1Root.cert), Pool([]*Cert{sha1Root.cert}), nil),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{},
		},
		{
			name: "MD5 signature", in: p.input(md5Chain(t, p)...),
			status: lifecycle.StatusInvalid, trust: TrustInvalid, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted, lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingMD5Signature, 0),
		},
		{
			name: "validity too long", in: p.input(p.leaf(t, p.inter, func(s *spec) { s.to = now.Add(days(400)) }), p.inter.cert),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingValidityTooLong, 0),
		},
		{
			name: "deprecated TLS version", in: withTLS(p.input(leaf, p.inter.cert), "TLS 1.0"),
			status: lifecycle.StatusOK, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemWeakCrypto},
			check: wantFinding(FindingWeakTLSVersion, PositionHandshake),
		},
		{
			name: "renewal overdue", in: p.input(p.leaf(t, p.inter, func(s *spec) {
				s.from, s.to = now.Add(-days(300)), now.Add(days(90))
			}), p.inter.cert),
			status: lifecycle.StatusDue, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemRenewalOverdue},
			check: func(t *testing.T, v Verdict) {
				want(t, "renewal window start", v.RenewalWindow.Start, now.Add(-days(40)))
			},
		},
		{
			name: "renewal overdue and expiring", in: p.input(p.leaf(t, p.inter, func(s *spec) {
				s.from, s.to = now.Add(-days(70)), now.Add(days(10))
			}), p.inter.cert),
			status: lifecycle.StatusExpiring, trust: TrustTrusted, problems: []lifecycle.Problem{lifecycle.ProblemRenewalOverdue, lifecycle.ProblemExpiring},
		},
		{
			name: "empty chain", in: p.input(),
			status: lifecycle.StatusInvalid, trust: TrustInvalid, problems: []lifecycle.Problem{lifecycle.ProblemUntrusted},
		},
	}
	cache := NewCache(len(tests), len(tests))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Judge(tt.in)
			cached := tt.in
			cached.Cache = cache
			for range 2 { // the second run answers from the cache
				if got := Judge(cached).Trust; got != v.Trust {
					t.Errorf("with a cache, trust %+v; want %+v", got, v.Trust)
				}
			}
			if v.Status != tt.status || v.Trust.Status != tt.trust || !slices.Equal(v.Problems, tt.problems) {
				t.Errorf("status %q, trust %q (%s), problems %q; want %q, %q, %q",
					v.Status, v.Trust.Status, v.Trust.Reason, v.Problems, tt.status, tt.trust, tt.problems)
			}
			if tt.check != nil {
				tt.check(t, v)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("marshal verdict: %v", err)
			}
		})
	}
}

// TestJudgeJSON pins the wire names the API will serve.
func TestJudgeJSON(t *testing.T) {
	p := newPKI(t)
	v := Judge(p.input(p.leaf(t, p.inter, nil), p.inter.cert))
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"status":"ok"`, `"problems":[]`, `"days_left":80`, `"deadline":{"position":0`,
		`"trust":{"status":"trusted"`, `"hostname_match":true`, `"weak_crypto":[]`, `"renewal_window":{"start":`, `"missing_known":false`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

// md5Chain relabels a SHA-1 signature as MD5: crypto/x509 refuses to sign
// with MD5, and the verdict depends only on the algorithm identifier.
func md5Chain(t *testing.T, p *pki) []*Cert {
	issuer := mint(t, spec{cn: "RSA Intermediate", ca: true, key: rsaKey(t, 2048)}, p.root)
	der := p.leaf(t, issuer, func(s *spec) { s.sigAlg = x509.SHA1WithRSA }).X509.Raw
	sha1OID := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05}
	md5OID := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04}
	c, err := Parse(bytes.ReplaceAll(der, sha1OID, md5OID))
	if err != nil {
		t.Fatal(err)
	}
	return []*Cert{c, issuer.cert}
}

func withRoots(in Input, roots, org *x509.CertPool) Input {
	in.Roots, in.OrgRoots = roots, org
	return in
}

func withKnown(in Input, known func(string) *Cert) Input {
	in.Known = known
	return in
}

func withHost(in Input, host, sni string) Input {
	in.Host, in.SNI = host, sni
	return in
}

func withTLS(in Input, version string) Input {
	in.TLSVersion = version
	return in
}

func wantFinding(code string, position int) func(*testing.T, Verdict) {
	return func(t *testing.T, v Verdict) {
		t.Helper()
		if len(v.WeakCrypto) != 1 || v.WeakCrypto[0].Code != code || v.WeakCrypto[0].Position != position {
			t.Errorf("weak_crypto %+v; want one %s at %d", v.WeakCrypto, code, position)
		}
	}
}

func want[T comparable](t *testing.T, what string, got, expected T) {
	t.Helper()
	if got != expected {
		t.Errorf("%s = %v; want %v", what, got, expected)
	}
}

func wantContains(t *testing.T, what, got, part string) {
	t.Helper()
	if !strings.Contains(got, part) {
		t.Errorf("%s = %q; want it to mention %q", what, got, part)
	}
}
