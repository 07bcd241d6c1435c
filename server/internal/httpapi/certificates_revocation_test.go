package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// TestInventoryByRevocation: the inventory lists each certificate with its
// revocation status and filters by it; the certificate's answer names the
// CRL or responder that answered and the chain it is served in; another
// organization's filter finds none of it, and an unknown state is refused.
func TestInventoryByRevocation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		ctx := context.Background()
		a := srv.newTenant(t, "inventory-rev@example.com")
		_, inter, rootDER, interDER := newCA(t)
		leaves := map[string]testChain{}
		var results []wire.Result
		for _, host := range []string{"revoked.example.com", "unreachable.example.com", "fine.example.com"} {
			var d domainOut
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": host, "port": 443, "agent_id": a.agentID}, &d)
			leaves[host] = leafChain(t, inter, rootDER, interDER, host, 90)
			results = append(results, wire.Result{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: leaves[host].base64()})
		}
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "b1", Results: results}, nil)
		revoked, unavailable := fingerprint(leaves["revoked.example.com"].ders[0]), fingerprint(leaves["unreachable.example.com"].ders[0])
		now := time.Now().UTC().Truncate(time.Second)
		for _, rs := range []store.RevocationStatus{
			{SHA256: revoked, State: "revoked", Source: "crl", RevokedAt: &now, Reason: "superseded",
				CRLURL: "http://crl.example.com/inter.crl", OCSPURL: "http://ocsp.example.com"},
			{SHA256: unavailable, State: "unavailable", Source: "ocsp", LastError: "OCSP responder timed out",
				OCSPURL: "http://ocsp.example.com"},
			{SHA256: fingerprint(leaves["fine.example.com"].ders[0]), State: "good", Source: "ocsp", OCSPURL: "http://ocsp.example.com"},
		} {
			rs.OrganizationID, rs.CheckedAt, rs.NextCheckAt = a.session.Organization.ID, &now, now.Add(time.Hour)
			if err := srv.store.SaveRevocationStatus(ctx, rs); err != nil {
				t.Fatal(err)
			}
		}
		type revocationOut struct {
			State string `json:"state"`
			URL   string `json:"url"`
			Error string `json:"error"`
		}
		type item struct {
			SHA256     string         `json:"sha256"`
			Revocation *revocationOut `json:"revocation"`
		}
		list := func(c *client, query string) listOut[item] {
			t.Helper()
			var got listOut[item]
			c.must(http.StatusOK, "GET", "/api/v1/certificates"+query, nil, &got)
			return got
		}
		all := list(a.browser, "")
		states := map[string]string{}
		for _, it := range all.Items {
			if it.Revocation != nil {
				states[it.SHA256] = it.Revocation.State
			}
		}
		if all.Total != 5 || states[revoked] != "revoked" || states[unavailable] != "unavailable" || len(states) != 3 {
			t.Errorf("inventory of %d, revocation states %v, want 5 certificates of which 3 checked", all.Total, states)
		}
		for query, want := range map[string]revocationOut{
			"?revocation=revoked":     {State: "revoked", URL: "http://crl.example.com/inter.crl"},
			"?revocation=unavailable": {State: "unavailable", URL: "http://ocsp.example.com", Error: "OCSP responder timed out"},
		} {
			got := list(a.browser, query)
			if got.Total != 1 || len(got.Items) != 1 || got.Items[0].Revocation == nil || *got.Items[0].Revocation != want {
				t.Errorf("%s: %+v, want one certificate %+v", query, got, want)
			}
		}
		if got := list(a.browser, "?revocation=revoked&q=revoked.example"); got.Total != 1 || got.Items[0].SHA256 != revoked {
			t.Errorf("revoked and searched: %+v", got)
		}
		if got := list(a.browser, "?revocation=unknown"); got.Total != 0 || len(got.Items) != 0 {
			t.Errorf("no certificate is unknown to its CA, listed %+v", got)
		}
		if r := a.browser.do("GET", "/api/v1/certificates?revocation=dead", nil); r.Status != http.StatusBadRequest {
			t.Errorf("unknown revocation state: status %d, want 400", r.Status)
		}

		var detail struct {
			Revocation *revocationOut `json:"revocation"`
			Chain      []struct {
				Position int    `json:"position"`
				SHA256   string `json:"sha256"`
			} `json:"chain"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+revoked, nil, &detail)
		if detail.Revocation == nil || detail.Revocation.URL != "http://crl.example.com/inter.crl" {
			t.Errorf("detail revocation %+v, want the CRL's URL", detail.Revocation)
		}
		chain := leaves["revoked.example.com"].ders
		if len(detail.Chain) != len(chain) {
			t.Fatalf("detail chain %+v, want %d certificates", detail.Chain, len(chain))
		}
		for i, e := range detail.Chain {
			if e.Position != i || e.SHA256 != fingerprint(chain[i]) {
				t.Errorf("chain entry %d: %+v", i, e)
			}
		}

		b := srv.newTenant(t, "inventory-rev-other@example.com")
		if got := list(b.browser, "?revocation=revoked"); got.Total != 0 || len(got.Items) != 0 {
			t.Errorf("another organization's revoked filter lists %+v", got)
		}
	})
}
