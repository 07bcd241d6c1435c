package httpapi_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestDomainBackendsThroughAPI: an agent's results for the backends of one
// name show on the domain as its backends; the one still serving the older
// certificate is flagged, the one that failed is its own failure, and the
// domain follows the newest certificate.
func TestDomainBackendsThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "lb@example.com")
		agent := srv.agentClient(t, a)
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "lb.example.com", "port": 443, "agent_id": a.agentID}, &d)
		_, inter, rootDER, interDER := freshCA(t)
		leaf := func(issued time.Time) testChain {
			_, der := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "lb.example.com"}, DNSNames: []string{"lb.example.com"},
				NotBefore: issued, NotAfter: issued.Add(90 * 24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, mustKey(t))
			return testChain{ders: [][]byte{der, interDER, rootDER}}
		}
		now := time.Now().UTC()
		renewed, stale := leaf(now.Add(-time.Hour)), leaf(now.Add(-60*24*time.Hour))
		var res wire.ResultsResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "b1", Results: []wire.Result{
			{TargetID: d.ID, Address: "192.0.2.1:443", Backends: 3, ObservedAt: now, Chain: renewed.base64()[:2]},
			{TargetID: d.ID, Address: "[2001:db8::1]:443", Backends: 3, ObservedAt: now.Add(time.Second), Chain: stale.base64()[:2]},
			{TargetID: d.ID, Address: "192.0.2.3:443", Backends: 3, ObservedAt: now, Chain: []string{},
				Error: "refused: connection refused", ErrorKind: "refused"},
		}}, &res)
		if res.Accepted != 3 {
			t.Fatalf("accepted %d: %+v", res.Accepted, res.Rejected)
		}

		type backendOut struct {
			Address          string `json:"address"`
			Family           string `json:"family"`
			Status           string `json:"status"`
			SHA256           string `json:"sha256"`
			DaysLeft         *int   `json:"days_left"`
			ErrorKind        string `json:"error_kind"`
			StaleCertificate bool   `json:"stale_certificate"`
		}
		var got struct {
			Status   string       `json:"status"`
			SHA256   string       `json:"sha256"`
			Backends []backendOut `json:"backends"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d.ID, nil, &got)
		if got.SHA256 != fingerprint(renewed.ders[0]) || got.Status == "unreachable" {
			t.Fatalf("domain: status %s leaf %s, want the renewed leaf %s", got.Status, got.SHA256, fingerprint(renewed.ders[0]))
		}
		byAddr := map[string]backendOut{}
		for _, b := range got.Backends {
			byAddr[b.Address] = b
		}
		if len(got.Backends) != 3 {
			t.Fatalf("backends %+v", got.Backends)
		}
		if b := byAddr["192.0.2.1"]; b.Family != "ipv4" || b.Status != "ok" || b.SHA256 != fingerprint(renewed.ders[0]) || b.StaleCertificate {
			t.Errorf("renewed backend %+v", b)
		}
		if b := byAddr["2001:db8::1"]; b.Family != "ipv6" || b.Status != "ok" || b.SHA256 != fingerprint(stale.ders[0]) || !b.StaleCertificate ||
			b.DaysLeft == nil || *b.DaysLeft > 31 {
			t.Errorf("stale backend %+v", b)
		}
		if b := byAddr["192.0.2.3"]; b.Status != "unreachable" || b.ErrorKind != "refused" || b.SHA256 != "" || b.StaleCertificate {
			t.Errorf("failed backend %+v", b)
		}

		// Another organization does not see the domain, backends included.
		other := srv.newTenant(t, "other@example.com")
		other.browser.must(http.StatusNotFound, "GET", "/api/v1/domains/"+d.ID, nil, nil)
	})
}
