package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestCertificateHistory: a certificate's detail lists each endpoint that
// served it, from when to when over how many checks, and when and by what
// it was replaced there.
func TestCertificateHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "certhistory@example.com")
		var dom domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "www.example.com", "agent_id": a.agentID}, &dom)
		_, inter, rootDER, interDER := newCA(t)
		old := leafChain(t, inter, rootDER, interDER, "www.example.com", 20)
		renewed := leafChain(t, inter, rootDER, interDER, "www.example.com", 80)
		start := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
		agent := srv.agentClient(t, a)
		for i, c := range []testChain{old, old, renewed} {
			agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("ch-%d", i),
				Results: []wire.Result{{TargetID: dom.ID, ObservedAt: at(i), TLSVersion: "TLS 1.3", Chain: c.base64()}}}, nil)
		}
		type serving struct {
			DomainID   string     `json:"domain_id"`
			FirstSeen  time.Time  `json:"first_seen"`
			LastSeen   time.Time  `json:"last_seen"`
			Checks     int        `json:"checks"`
			ReplacedAt *time.Time `json:"replaced_at"`
			ReplacedBy string     `json:"replaced_by"`
		}
		var got struct {
			History []serving `json:"history"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+fingerprint(old.ders[0]), nil, &got)
		if h := got.History; len(h) != 1 || h[0].DomainID != dom.ID || !h[0].FirstSeen.Equal(at(0)) || !h[0].LastSeen.Equal(at(1)) ||
			h[0].Checks != 2 || h[0].ReplacedAt == nil || !h[0].ReplacedAt.Equal(at(2)) || h[0].ReplacedBy != fingerprint(renewed.ders[0]) {
			t.Errorf("history of the replaced leaf: %+v", h)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+fingerprint(renewed.ders[0]), nil, &got)
		if h := got.History; len(h) != 1 || h[0].ReplacedAt != nil || !h[0].FirstSeen.Equal(at(2)) {
			t.Errorf("history of the current leaf: %+v", h)
		}
		b := srv.newTenant(t, "certhistory-other@example.com")
		if r := b.browser.do("GET", "/api/v1/certificates/"+fingerprint(old.ders[0]), nil); r.Status != http.StatusNotFound {
			t.Errorf("another organization reading the history: %d", r.Status)
		}
	})
}
