package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// TestRevocationThroughAPI: the domain detail carries the revocation
// status of each certificate of its chain (null until checked), and so
// does the certificate's own answer; another organization sees neither.
func TestRevocationThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "rev@example.com")
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "www.example.com", "port": 443, "agent_id": a.agentID}, &d)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "www.example.com", 90)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results",
			wire.ResultsRequest{BatchID: "b1", Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64()}}}, nil)
		leaf := fingerprint(chain.ders[0])
		revokedAt := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		checked := time.Now().UTC().Truncate(time.Second)
		if err := srv.store.SaveRevocationStatus(context.Background(), store.RevocationStatus{OrganizationID: a.session.Organization.ID,
			SHA256: leaf, State: "revoked", Source: "ocsp", RevokedAt: &revokedAt, Reason: "key_compromise", CheckedAt: &checked,
			NextCheckAt: checked.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		type revocationOut struct {
			State     string     `json:"state"`
			Source    string     `json:"source"`
			RevokedAt *time.Time `json:"revoked_at"`
			Reason    string     `json:"reason"`
			CheckedAt *time.Time `json:"checked_at"`
		}
		var detail struct {
			Chain []struct {
				SHA256     string         `json:"sha256"`
				Revocation *revocationOut `json:"revocation"`
			} `json:"chain"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d.ID, nil, &detail)
		if len(detail.Chain) < 2 || detail.Chain[0].SHA256 != leaf {
			t.Fatalf("chain %+v", detail.Chain)
		}
		if r := detail.Chain[0].Revocation; r == nil || r.State != "revoked" || r.Source != "ocsp" || r.Reason != "key_compromise" ||
			r.RevokedAt == nil || !r.RevokedAt.Equal(revokedAt) || r.CheckedAt == nil || !r.CheckedAt.Equal(checked) {
			t.Errorf("leaf revocation %+v, want revoked by OCSP for key compromise", r)
		}
		if r := detail.Chain[1].Revocation; r != nil {
			t.Errorf("intermediate never checked, revocation %+v, want null", r)
		}
		var cert struct {
			Revocation *revocationOut `json:"revocation"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+leaf, nil, &cert)
		if cert.Revocation == nil || cert.Revocation.State != "revoked" {
			t.Errorf("certificate revocation %+v, want revoked", cert.Revocation)
		}

		// A staple that does not verify is shown on the certificate, and the
		// result carrying it is stored all the same.
		var resp wire.ResultsResponse
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results",
			wire.ResultsRequest{BatchID: "b2", Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64(),
				OCSPStaple: base64.StdEncoding.EncodeToString([]byte("not an OCSP response"))}}}, &resp)
		var stapled struct {
			Revocation *struct {
				State       string `json:"state"`
				StapleError string `json:"staple_error"`
			} `json:"revocation"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates/"+leaf, nil, &stapled)
		if r := stapled.Revocation; resp.Accepted != 1 || r == nil || r.State != "revoked" || !strings.Contains(r.StapleError, "does not verify") {
			t.Errorf("after a bad staple: accepted %d, revocation %+v; want the result stored, the status kept, the staple's error shown", resp.Accepted, r)
		}
		m, _ := srv.signup(t, "other-rev@example.com")
		if r := m.do("GET", "/api/v1/certificates/"+leaf, nil); r.Status != http.StatusNotFound {
			t.Errorf("another organization reads the certificate: %d", r.Status)
		}
	})
}
