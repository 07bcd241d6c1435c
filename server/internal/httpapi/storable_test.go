package httpapi_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"certinel.dev/shared/wire"
)

// storable reports whether PostgreSQL could hold s in a TEXT column.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// leafWithSubject issues a chain whose leaf has the given common name and
// DNS names.
func leafWithSubject(t *testing.T, cn string, names ...string) testChain {
	_, inter, rootDER, interDER := newCA(t)
	now := time.Now()
	_, ld := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: names,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, mustKey(t))
	return testChain{ders: [][]byte{ld, interDER, rootDER}}
}

// TestIngestUnstorableText posts certificates and errors whose text a
// database column cannot hold as is: the batch is stored whole, with that
// text made storable, and nothing else is lost.
func TestIngestUnstorableText(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "text@example.com")
		hosts := []string{"good.internal", "nul.internal", "long.internal", "error.internal"}
		ids := make([]string, len(hosts))
		for i, h := range hosts {
			var d domainOut
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": h, "agent_id": a.agentID}, &d)
			ids[i] = d.ID
		}
		_, inter, rootDER, interDER := newCA(t)
		good := leafChain(t, inter, rootDER, interDER, "good.internal", 90)
		nul := leafWithSubject(t, "nul.internal\x00.evil.example", "nul.internal", "nul.internal\x00.evil.example")
		// "CN=" and 1,020 bytes end at byte 1,023: the é takes bytes 1,023 and 1,024.
		long := leafWithSubject(t, strings.Repeat("a", 1020)+"é"+strings.Repeat("b", 100), "long.internal")
		now := time.Now().UTC()
		batch := wire.ResultsRequest{BatchID: "unstorable", Results: []wire.Result{
			{TargetID: ids[0], ObservedAt: now, Chain: good.base64()},
			{TargetID: ids[1], ObservedAt: now, Chain: nul.base64()},
			{TargetID: ids[2], ObservedAt: now, Chain: long.base64()},
			{TargetID: ids[3], ObservedAt: now, Address: "10.0.0.9:443", Error: "reset by \x00peer\xff", ErrorKind: "refused\x00"},
		}}
		var res wire.ResultsResponse
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", batch, &res)
		if res.Accepted != 4 || len(res.Rejected) != 0 {
			t.Fatalf("accepted %d, rejected %+v", res.Accepted, res.Rejected)
		}

		ctx := context.Background()
		org := a.session.Organization.ID
		for i, chain := range []testChain{good, nul, long} {
			var d domainOut
			a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+ids[i], nil, &d)
			leaf := fingerprint(chain.ders[0])
			if d.SHA256 == nil || *d.SHA256 != leaf {
				t.Errorf("%s: serves %v, want %s", hosts[i], d.SHA256, leaf)
			}
			c, err := srv.store.GetCertificate(ctx, org, leaf)
			if err != nil {
				t.Fatalf("%s: %v", hosts[i], err)
			}
			if !storable(c.Subject) || !storable(c.Issuer) || len(c.Subject) > 1024 || !strings.HasPrefix(c.Subject, "CN=") {
				t.Errorf("%s: stored subject %q, issuer %q", hosts[i], c.Subject, c.Issuer)
			}
		}
		errs, err := srv.store.DomainErrors(ctx, org, ids[3], 10)
		if err != nil || len(errs) != 1 || !storable(errs[0].Error) || !strings.HasPrefix(errs[0].Error, "reset by ") {
			t.Errorf("stored error: %v %+v", err, errs)
		}
		// The failed backend's row takes the same text, fitted.
		backends, err := srv.store.DomainBackends(ctx, org, ids[3:4], time.Time{})
		if b := backends[ids[3]]; err != nil || len(b) != 1 || !storable(b[0].Error) || !storable(b[0].ErrorKind) || !strings.HasPrefix(b[0].Error, "reset by ") {
			t.Errorf("stored backend: %v %+v", err, backends)
		}

		// A batch ID is a key, not text to fit: one that cannot be stored is refused.
		nulID := wire.ResultsRequest{BatchID: "batch\x00", Results: batch.Results[:1]}
		if r := srv.agentClient(t, a).do("POST", "/api/v1/agent/results", nulID); r.Status != http.StatusBadRequest || r.errorField() != "batch_id" {
			t.Errorf("batch_id with NUL: %d %s", r.Status, r.Body)
		}
	})
}

// TestAgentVersionCutInsideACharacter pulls targets with a User-Agent whose
// 64-byte cut falls inside a character.
func TestAgentVersionCutInsideACharacter(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "ua@example.com")
		agent := srv.agentClient(t, a)
		agent.headers["User-Agent"] = "certinel-agent/" + strings.Repeat("1", 63) + "€"
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		got, err := srv.store.GetAgent(context.Background(), a.session.Organization.ID, a.agentID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != strings.Repeat("1", 63) {
			t.Errorf("stored version %q", got.Version)
		}
	})
}
