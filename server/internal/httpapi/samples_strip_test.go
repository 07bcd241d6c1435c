package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestDomainSamplesStrip: the domain detail lists its recent runs of
// identical checks, newest first, each with its span, its number of checks
// and whether the handshake succeeded; another organization gets 404.
func TestDomainSamplesStrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "strip@example.com")
		var dom domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "www.example.com", "agent_id": a.agentID}, &dom)
		agent := srv.agentClient(t, a)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "www.example.com", 60)
		start := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
		ok := wire.Result{Address: "192.0.2.1:443", TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()}
		failed := wire.Result{Address: "192.0.2.1:443", Error: "connection refused", ErrorKind: "refused"}
		for i, r := range []wire.Result{ok, ok, ok, failed, failed, ok} {
			r.TargetID, r.ObservedAt = dom.ID, at(i)
			agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("s-%d", i), Results: []wire.Result{r}}, nil)
		}
		type sample struct {
			ObservedAt      time.Time `json:"observed_at"`
			FirstObservedAt time.Time `json:"first_observed_at"`
			Checks          int       `json:"checks"`
			OK              bool      `json:"ok"`
			ErrorKind       string    `json:"error_kind"`
			SHA256          string    `json:"sha256"`
		}
		var got struct {
			Samples []sample `json:"samples"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		leaf := fingerprint(chain.ders[0])
		want := []sample{
			{ObservedAt: at(5), FirstObservedAt: at(5), Checks: 1, OK: true, SHA256: leaf},
			{ObservedAt: at(4), FirstObservedAt: at(3), Checks: 2, ErrorKind: "refused"},
			{ObservedAt: at(2), FirstObservedAt: at(0), Checks: 3, OK: true, SHA256: leaf},
		}
		if len(got.Samples) != len(want) {
			t.Fatalf("samples: %+v", got.Samples)
		}
		for i, w := range want {
			g := got.Samples[i]
			if !g.ObservedAt.Equal(w.ObservedAt) || !g.FirstObservedAt.Equal(w.FirstObservedAt) || g.Checks != w.Checks || g.OK != w.OK ||
				g.ErrorKind != w.ErrorKind || g.SHA256 != w.SHA256 {
				t.Errorf("sample %d: %+v, want %+v", i, g, w)
			}
		}
		b := srv.newTenant(t, "strip-other@example.com")
		if r := b.browser.do("GET", "/api/v1/domains/"+dom.ID, nil); r.Status != http.StatusNotFound {
			t.Errorf("another organization reading the domain: %d", r.Status)
		}
	})
}
