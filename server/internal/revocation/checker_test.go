package revocation_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/revocation"
)

// hangTimeout cuts short the check of a server that never answers.
const hangTimeout = 200 * time.Millisecond

// newChecker dials through the guard, as the server does, allowing
// loopback where the test's CA serves; timeout bounds a hanging server.
func newChecker(now func() time.Time, timeout time.Duration) *revocation.Checker {
	return revocation.NewChecker(netguard.New(true).HTTPClient(30*time.Second), now, timeout)
}

func TestCheck(t *testing.T) {
	revokedAt := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	cases := []struct {
		name string
		// setup returns the certificate to check and its issuer.
		setup      func(t *testing.T) (*x509.Certificate, *x509.Certificate)
		state      revocation.State
		source     revocation.Source
		reason     string
		whyContain string
		// hangs: the server never answers, and the check is cut short by
		// hangTimeout; every other case gets a timeout no loaded machine
		// reaches, since 20 MiB under the race detector takes a while.
		hangs bool
	}{
		{name: "OCSP good", state: revocation.StateGood, source: revocation.SourceOCSP,
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "OCSP CA")
				return ca.issue("/ocsp", "/crl"), ca.cert
			}},
		{name: "OCSP revoked", state: revocation.StateRevoked, source: revocation.SourceOCSP, reason: "key_compromise",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "OCSP CA")
				leaf := ca.issue("/ocsp", "")
				ca.revoke(leaf, ocsp.KeyCompromise, revokedAt)
				return leaf, ca.cert
			}},
		{name: "OCSP unknown", state: revocation.StateUnknown, source: revocation.SourceOCSP,
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "OCSP CA")
				leaf := ca.issue("/ocsp", "")
				ca.unknown[leaf.SerialNumber.String()] = true
				return leaf, ca.cert
			}},
		{name: "OCSP by a delegated responder", state: revocation.StateRevoked, source: revocation.SourceOCSP, reason: "superseded",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Delegating CA")
				ca.delegate(true)
				leaf := ca.issue("/ocsp", "")
				ca.revoke(leaf, ocsp.Superseded, revokedAt)
				return leaf, ca.cert
			}},
		{name: "OCSP by a responder not allowed to sign", state: revocation.StateUnavailable, source: revocation.SourceOCSP,
			whyContain: "not authorized to sign OCSP answers",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Careless CA")
				ca.delegate(false)
				return ca.issue("/ocsp", ""), ca.cert
			}},
		{name: "OCSP signed by another CA", state: revocation.StateUnavailable, source: revocation.SourceOCSP,
			whyContain: "does not verify",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca, other := newCA(t, "Real CA"), newCA(t, "Other CA")
				other.cert = ca.cert // its answers name the real CA, signed with another key
				return ca.issueWith(other.srv.URL+"/ocsp", ""), ca.cert
			}},
		{name: "CRL only, good", state: revocation.StateGood, source: revocation.SourceCRL,
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "CRL CA")
				ca.revoke(ca.issue("", "/crl"), ocsp.KeyCompromise, revokedAt) // another certificate
				return ca.issue("", "/crl"), ca.cert
			}},
		{name: "CRL only, revoked", state: revocation.StateRevoked, source: revocation.SourceCRL, reason: "cessation_of_operation",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "CRL CA")
				leaf := ca.issue("", "/crl")
				ca.revoke(leaf, ocsp.CessationOfOperation, revokedAt)
				return leaf, ca.cert
			}},
		{name: "CRL with a bad signature", state: revocation.StateUnavailable, source: revocation.SourceCRL,
			whyContain: "signature does not verify against the issuer",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "CRL CA")
				forger := newCA(t, "Forger")
				forger.cert.RawSubject = ca.cert.RawSubject
				ca.crlSigner = forger
				return ca.issue("", "/crl"), ca.cert
			}},
		{name: "CRL too large", state: revocation.StateUnavailable, source: revocation.SourceCRL,
			whyContain: "sent more than 20 MiB",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Huge CRL CA")
				ca.crlBody = bytes.Repeat([]byte{0x30}, 20<<20+1)
				return ca.issue("", "/crl"), ca.cert
			}},
		{name: "CRL expired", state: revocation.StateUnavailable, source: revocation.SourceCRL,
			whyContain: "the CRL expired on",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Late CA")
				ca.crlNext = time.Now().Add(-time.Hour)
				return ca.issue("", "/crl"), ca.cert
			}},
		{name: "CRL server down", state: revocation.StateUnavailable, source: revocation.SourceCRL,
			whyContain: "answered HTTP 503",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Down CA")
				return ca.issue("", "/down"), ca.cert
			}},
		{name: "responder that hangs", state: revocation.StateUnavailable, source: revocation.SourceOCSP,
			whyContain: "timed out after 200ms", hangs: true,
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Hanging CA")
				ca.hang = true
				return ca.issue("/ocsp", ""), ca.cert
			}},
		{name: "responder down, CRL answers", state: revocation.StateRevoked, source: revocation.SourceCRL, reason: "unspecified",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Half CA")
				leaf := ca.issue("/down", "/crl")
				ca.revoke(leaf, ocsp.Unspecified, revokedAt)
				return leaf, ca.cert
			}},
		{name: "no URL", state: revocation.StateUnavailable, whyContain: "names no OCSP responder or CRL",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "Silent CA")
				return ca.issue("", ""), ca.cert
			}},
		{name: "not the issuer", state: revocation.StateUnavailable, whyContain: "issuer's certificate is neither served with it nor among the trusted roots",
			setup: func(t *testing.T) (*x509.Certificate, *x509.Certificate) {
				ca := newCA(t, "CA")
				return ca.issue("/ocsp", "/crl"), newCA(t, "Stranger").cert
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cert, issuer := tc.setup(t)
			timeout := time.Minute
			if tc.hangs {
				timeout = hangTimeout
			}
			st := newChecker(nil, timeout).NewPass().Check(context.Background(), cert, issuer)
			if st.State != tc.state || st.Source != tc.source || st.Reason != tc.reason {
				t.Fatalf("status %+v, want %s from %q (reason %q)", st, tc.state, tc.source, tc.reason)
			}
			if !strings.Contains(st.Why, tc.whyContain) {
				t.Errorf("why %q, want it to say %q", st.Why, tc.whyContain)
			}
			if tc.state == revocation.StateRevoked && !st.RevokedAt.Equal(revokedAt) {
				t.Errorf("revoked at %s, want %s", st.RevokedAt, revokedAt)
			}
			if tc.state == revocation.StateGood && st.NextUpdate.IsZero() {
				t.Errorf("good without a next update: %+v", st)
			}
		})
	}
}

// TestCRLFetchedOncePerPass: certificates naming one CRL share one fetch
// per pass; the next pass reuses it while recent, then asks its server
// again conditionally.
func TestCRLFetchedOncePerPass(t *testing.T) {
	ca := newCA(t, "Busy CA")
	a, b := ca.issue("", "/crl"), ca.issue("", "/crl")
	ca.revoke(b, ocsp.KeyCompromise, time.Now().Add(-time.Hour))
	var mu sync.Mutex
	now := time.Now()
	c := newChecker(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, time.Minute)
	check := func(p *revocation.Pass) {
		t.Helper()
		var wg sync.WaitGroup
		got := make([]revocation.State, 2)
		for i, cert := range []*x509.Certificate{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); got[i] = p.Check(context.Background(), cert, ca.cert).State }()
		}
		wg.Wait()
		if got[0] != revocation.StateGood || got[1] != revocation.StateRevoked {
			t.Fatalf("states %v, want good and revoked", got)
		}
	}
	check(c.NewPass())
	if n := ca.crlFetches.Load(); n != 1 {
		t.Fatalf("CRL fetched %d times by one pass, want once", n)
	}
	check(c.NewPass())
	if n := ca.crlFetches.Load(); n != 1 {
		t.Fatalf("CRL fetched %d times by a second pass soon after, want it kept", n)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	check(c.NewPass())
	if n, nm := ca.crlFetches.Load(), ca.crlNotModified.Load(); n != 2 || nm != 1 {
		t.Fatalf("after two hours: %d fetches, %d answered not modified; want a second, conditional one", n, nm)
	}
}

// TestHangingResponderAskedThreeTimesPerPass: once a responder failed
// three times in a row during a pass, the pass stops asking it, so that it
// cannot hold the pass for a timeout per certificate.
func TestHangingResponderAskedThreeTimesPerPass(t *testing.T) {
	ca := newCA(t, "Hanging CA")
	ca.hang = true
	pass := newChecker(nil, hangTimeout).NewPass()
	for i := range 5 {
		st := pass.Check(context.Background(), ca.issue("/ocsp", ""), ca.cert)
		want := "timed out"
		if i >= 3 {
			want = "not asked: it failed repeatedly"
		}
		if st.State != revocation.StateUnavailable || !strings.Contains(st.Why, want) {
			t.Errorf("certificate %d: %+v, want unavailable saying %q", i, st, want)
		}
	}
	if n := ca.requests.Load(); n != 3 {
		t.Errorf("the hanging responder was asked %d times, want 3", n)
	}
}
