package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestRevocationSourcesThroughAPI: the organization's CRLs and responders
// are listed, paged, with their health in words the dashboard reads;
// another organization sees none of them.
func TestRevocationSourcesThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "sources@example.com")
		b := srv.newTenant(t, "other-sources@example.com")
		now := time.Now().UTC().Truncate(time.Second)
		this, next := now.Add(-6*24*time.Hour), now.Add(3*time.Hour)
		for _, src := range []store.RevocationSource{
			{Kind: "crl", URL: "http://crl.example.test/ca.crl", Issuer: "CN=Internal CA", IssuerKeyID: "ab12", CRLNumber: "7",
				NumberSince: &this, ThisUpdate: &this, NextUpdate: &next, SizeBytes: 420, AnsweredAt: &now},
			{Kind: "ocsp", URL: "http://ocsp.example.test", LastError: "OCSP responder http://ocsp.example.test timed out after 10s", Failures: 2},
		} {
			src.OrganizationID, src.CheckedAt, src.UpdatedAt = a.session.Organization.ID, now, now
			if err := srv.store.SaveRevocationSource(context.Background(), src); err != nil {
				t.Fatal(err)
			}
		}
		type sourceOut struct {
			Kind       string     `json:"kind"`
			URL        string     `json:"url"`
			CRLNumber  string     `json:"crl_number"`
			NextUpdate *time.Time `json:"next_update"`
			SizeBytes  int        `json:"size_bytes"`
			Error      string     `json:"error"`
			Failures   int        `json:"failures"`
			Problems   []string   `json:"problems"`
		}
		var got struct {
			Items []sourceOut `json:"items"`
			Total int         `json:"total"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/revocation-sources?per_page=1", nil, &got)
		if got.Total != 2 || len(got.Items) != 1 {
			t.Fatalf("first page %+v, want one of two", got)
		}
		if c := got.Items[0]; c.Kind != "crl" || c.CRLNumber != "7" || c.NextUpdate == nil || !c.NextUpdate.Equal(next) || c.SizeBytes != 420 ||
			!slices.Equal(c.Problems, []string{"expiring"}) {
			t.Errorf("CRL %+v, want number 7 expiring in 3 hours", c)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/revocation-sources?page=2&per_page=1", nil, &got)
		if len(got.Items) != 1 || got.Items[0].Kind != "ocsp" || got.Items[0].Failures != 2 || got.Items[0].Error == "" ||
			got.Items[0].Problems == nil || len(got.Items[0].Problems) != 0 {
			t.Errorf("second page %+v, want the failing responder with no problems", got.Items)
		}
		b.browser.must(http.StatusOK, "GET", "/api/v1/revocation-sources", nil, &got)
		if got.Total != 0 || len(got.Items) != 0 {
			t.Errorf("another organization sees %+v, want nothing", got)
		}
		if r := a.browser.do("GET", "/api/v1/revocation-sources?per_page=500", nil); r.Status != http.StatusBadRequest || r.errorField() != "per_page" {
			t.Errorf("per_page=500: %d %s, want 400 on per_page", r.Status, r.errorField())
		}
	})
}
