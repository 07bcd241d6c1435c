package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestOrganizationPolicy: raising the bar makes the next check of the same
// chain weak; bad policies are refused field by field.
func TestOrganizationPolicy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "policy@example.com")
		var org struct {
			Policy struct {
				MinRSABits      int `json:"min_rsa_bits"`
				MinECBits       int `json:"min_ec_bits"`
				MaxValidityDays int `json:"max_validity_days"`
			} `json:"policy"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/organization", nil, &org)
		if org.Policy.MinRSABits != 2048 || org.Policy.MinECBits != 256 || org.Policy.MaxValidityDays != 398 {
			t.Fatalf("default policy: %+v", org.Policy)
		}
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "ec.example.com", "agent_id": a.agentID}, &d)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "ec.example.com", 200)
		push := func(batch string) analysisOut {
			srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: batch,
				Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64()}}}, nil)
			var out analysisOut
			a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d.ID, nil, &out)
			return out
		}
		if got := push("p1"); contains(got.Problems, "weak_crypto") {
			t.Fatalf("P-256 is weak under the default policy: %v", got.Problems)
		}
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/organization", map[string]any{"policy": map[string]int{"min_ec_bits": 384}}, nil)
		if got := push("p2"); !contains(got.Problems, "weak_crypto") {
			t.Fatalf("P-256 is fine under a 384-bit policy: %v", got.Problems)
		}
		for field, body := range map[string]map[string]any{
			"policy.min_rsa_bits":         {"policy": map[string]int{"min_rsa_bits": -1}},
			"policy.renew_after_fraction": {"policy": map[string]float64{"renew_after_fraction": 1.5}},
			"policy":                      {"policy": map[string]int{"min_dsa_bits": 1}},
			"expiring_threshold_days":     {"expiring_threshold_days": -1},
		} {
			if r := a.browser.do("PATCH", "/api/v1/organization", body); r.Status != http.StatusBadRequest || r.errorField() != field {
				t.Errorf("%s: %d %s", field, r.Status, r.Body)
			}
		}
	})
}
