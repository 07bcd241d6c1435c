package httpapi_test

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type analysisOut struct {
	domainOut
	TrustStatus string   `json:"trust_status"`
	Problems    []string `json:"problems"`
	Analysis    struct {
		Status        string `json:"status"`
		HostnameMatch bool   `json:"hostname_match"`
		Trust         struct {
			Status string `json:"status"`
		} `json:"trust"`
	} `json:"analysis"`
	Changes []struct {
		OldSHA256 string `json:"old_sha256"`
		NewSHA256 string `json:"new_sha256"`
	} `json:"changes"`
	Stale []struct {
		NewerSHA256   string `json:"newer_sha256"`
		NewerDomainID string `json:"newer_domain_id"`
	} `json:"stale"`
}

// TestAnalysisThroughAPI pushes chains through the agent protocol and reads
// the verdicts, changes, stale endpoints, clusters and inventory back.
func TestAnalysisThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "an@example.com")
		agent := srv.agentClient(t, a)
		mk := func(host string, port int) domainOut {
			var d domainOut
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": host, "port": port, "agent_id": a.agentID}, &d)
			return d
		}
		internal, other := mk("vault.corp.example", 443), mk("mismatch.example.com", 443)
		web1, web2 := mk("www.example.com", 443), mk("www.example.com", 8443)
		seq := 0
		push := func(results ...wire.Result) {
			seq++
			var res wire.ResultsResponse
			agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("b%d", seq), Results: results}, &res)
			if res.Accepted != len(results) {
				t.Fatalf("accepted %d of %d: %+v", res.Accepted, len(results), res.Rejected)
			}
		}
		get := func(id string) analysisOut {
			var out analysisOut
			a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+id, nil, &out)
			return out
		}
		now := time.Now().UTC()

		// An internal PKI nobody trusts yet: invalid, unknown authority.
		privRoot, privInter, privRootDER, privInterDER := freshCA(t)
		vault := leafChain(t, privInter, privRootDER, privInterDER, "vault.corp.example", 200)
		push(wire.Result{TargetID: internal.ID, ObservedAt: now, Chain: vault.base64()[:2]})
		if got := get(internal.ID); got.Status != "invalid" || got.TrustStatus != "unknown_authority" || got.Analysis.Trust.Status != "unknown_authority" {
			t.Fatalf("private chain before the bundle: %+v", got)
		}
		// The organization uploads its root: the next check is trusted.
		bundlePEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: privRoot.cert.Raw}))
		bad := a.browser.do("POST", "/api/v1/ca-bundles", map[string]string{"name": "corp", "pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"})
		if bad.Status != http.StatusBadRequest || bad.errorField() != "pem" {
			t.Errorf("private key as bundle: %d %s", bad.Status, bad.Body)
		}
		a.browser.must(http.StatusCreated, "POST", "/api/v1/ca-bundles", map[string]string{"name": "corp", "pem": bundlePEM}, nil)
		push(wire.Result{TargetID: internal.ID, ObservedAt: now.Add(time.Second), Chain: vault.base64()[:2]})
		if got := get(internal.ID); got.Status != "ok" || got.TrustStatus != "trusted_org_ca" {
			t.Fatalf("private chain after the bundle: %s %s", got.Status, got.TrustStatus)
		}

		// Hostname mismatch makes the domain invalid.
		_, inter, rootDER, interDER := newCA(t)
		wrong := leafChain(t, inter, rootDER, interDER, "elsewhere.example.com", 200)
		push(wire.Result{TargetID: other.ID, ObservedAt: now, Chain: wrong.base64()})
		if got := get(other.ID); got.Status != "invalid" || got.Analysis.HostnameMatch || !contains(got.Problems, "hostname_mismatch") {
			t.Fatalf("hostname mismatch: %+v", got)
		}

		// Both endpoints serve one certificate; then one is renewed.
		old := leafChain(t, inter, rootDER, interDER, "www.example.com", 20)
		time.Sleep(1100 * time.Millisecond) // the renewal has a later not_before
		renewed := leafChain(t, inter, rootDER, interDER, "www.example.com", 90)
		push(wire.Result{TargetID: web1.ID, ObservedAt: now, Chain: old.base64()}, wire.Result{TargetID: web2.ID, ObservedAt: now, Chain: old.base64()})
		push(wire.Result{TargetID: web1.ID, ObservedAt: now.Add(time.Minute), Chain: renewed.base64()}, wire.Result{TargetID: web2.ID, ObservedAt: now.Add(time.Minute), Chain: old.base64()})
		w1 := get(web1.ID)
		if len(w1.Changes) != 1 || w1.Changes[0].OldSHA256 != fingerprint(old.ders[0]) || w1.Changes[0].NewSHA256 != fingerprint(renewed.ders[0]) {
			t.Fatalf("change on renewal: %+v", w1.Changes)
		}
		if len(w1.History) != 2 || len(w1.Stale) != 0 {
			t.Fatalf("renewed endpoint: history %d stale %d", len(w1.History), len(w1.Stale))
		}
		w2 := get(web2.ID)
		if len(w2.Stale) != 1 || w2.Stale[0].NewerSHA256 != fingerprint(renewed.ders[0]) || w2.Stale[0].NewerDomainID != web1.ID {
			t.Fatalf("stale endpoint not flagged: %+v", w2.Stale)
		}
		var stale listOut[struct {
			DomainID string `json:"domain_id"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/insights/stale", nil, &stale)
		if stale.Total != 1 || stale.Items[0].DomainID != web2.ID {
			t.Errorf("insights/stale: %+v", stale)
		}

		// Two endpoints expire on the same day (the old certificate): a cluster.
		var clusters listOut[struct {
			Date         string `json:"date"`
			Endpoints    int    `json:"endpoints"`
			Certificates int    `json:"certificates"`
		}]
		push(wire.Result{TargetID: web1.ID, ObservedAt: now.Add(2 * time.Minute), Chain: old.base64()})
		a.browser.must(http.StatusOK, "GET", "/api/v1/insights/expiry-clusters?days=30&min=2", nil, &clusters)
		if clusters.Total != 1 || clusters.Items[0].Endpoints != 2 || clusters.Items[0].Certificates != 1 {
			t.Errorf("clusters: %+v", clusters)
		}

		// Inventory: leaves and CAs, details with the serving domains.
		var inv listOut[struct {
			SHA256  string `json:"sha256"`
			IsCA    bool   `json:"is_ca"`
			Serving int    `json:"serving"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates?is_ca=false", nil, &inv)
		if inv.Total != 4 {
			t.Errorf("leaves in inventory: %d", inv.Total)
		}
		var detail struct {
			PEM      string `json:"pem"`
			ServedBy []struct {
				DomainID string `json:"domain_id"`
			} `json:"served_by"`
			Facts struct {
				DNSNames []string `json:"dns_names"`
			} `json:"facts"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+fingerprint(old.ders[0]), nil, &detail)
		if len(detail.ServedBy) != 2 || detail.Facts.DNSNames[0] != "www.example.com" || detail.PEM == "" {
			t.Errorf("certificate detail: %+v", detail)
		}
		// Another organization cannot read it, even knowing the fingerprint.
		m, _ := srv.signup(t, "other@example.com")
		if r := m.do("GET", "/api/v1/certificates/"+fingerprint(old.ders[0]), nil); r.Status != http.StatusNotFound {
			t.Errorf("cross-tenant certificate: %d", r.Status)
		}
		var mInv listOut[struct{}]
		m.must(http.StatusOK, "GET", "/api/v1/certificates", nil, &mInv)
		if mInv.Total != 0 {
			t.Errorf("other org inventory: %d", mInv.Total)
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
