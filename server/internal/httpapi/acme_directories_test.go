package httpapi_test

import (
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// TestACMEDirectories adds the ACME directory of an internal CA from a
// chain an endpoint served, and reads the CA's window on the domain.
func TestACMEDirectories(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "acme@example.com")
		var dom domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "app.corp.example", "agent_id": a.agentID}, &dom)
		_, inter, rootDER, interDER := freshCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "app.corp.example", 30)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "b1",
			Results: []wire.Result{{TargetID: dom.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64()[:2]}}}, nil)

		type directory struct {
			ID, Name     string
			IssuerKeyID  string `json:"issuer_key_id"`
			DirectoryURL string `json:"directory_url"`
			IssuerSHA256 string `json:"issuer_sha256"`
		}
		valid := map[string]string{"name": "Corp ACME", "directory_url": "https://acme.corp.example/directory", "issuer_sha256": fingerprint(interDER)}
		with := func(k, v string) map[string]string {
			m := map[string]string{}
			for key, val := range valid {
				m[key] = val
			}
			m[k] = v
			return m
		}
		for _, tc := range []struct {
			name  string
			body  map[string]string
			field string
		}{
			{"plain http", with("directory_url", "http://acme.corp.example/directory"), "directory_url"},
			{"credentials in the URL", with("directory_url", "https://u:p@acme.corp.example/directory"), "directory_url"},
			{"no name", with("name", " "), "name"},
			{"not a fingerprint", with("issuer_sha256", "abc"), "issuer_sha256"},
			{"a leaf as issuer", with("issuer_sha256", fingerprint(chain.ders[0])), "issuer_sha256"},
			{"a CA never served", with("issuer_sha256", fingerprint(rootDER)), "issuer_sha256"},
		} {
			if r := a.browser.do("POST", "/api/v1/acme-directories", tc.body); r.Status != http.StatusBadRequest || r.errorField() != tc.field {
				t.Errorf("%s: %d %s, want 400 on %s", tc.name, r.Status, r.Body, tc.field)
			}
		}

		var d directory
		a.browser.must(http.StatusCreated, "POST", "/api/v1/acme-directories", valid, &d)
		interCert, _ := x509.ParseCertificate(interDER)
		if d.IssuerKeyID != hex.EncodeToString(interCert.SubjectKeyId) || d.DirectoryURL != valid["directory_url"] {
			t.Errorf("created %+v, want the intermediate's key ID %x", d, interCert.SubjectKeyId)
		}
		if r := a.browser.do("POST", "/api/v1/acme-directories", valid); r.Status != http.StatusConflict {
			t.Errorf("second directory for the same CA: %d %s", r.Status, r.Body)
		}
		var log listOut[auditOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &log)
		if log.Items[0].Action != "acme_directory.create" {
			t.Errorf("latest audit entry %+v, want acme_directory.create", log.Items[0])
		}

		// Another organization neither sees it nor may use the CA it has never served.
		b := srv.newTenant(t, "other@example.com")
		var theirs listOut[directory]
		b.browser.must(http.StatusOK, "GET", "/api/v1/acme-directories", nil, &theirs)
		if theirs.Total != 0 {
			t.Errorf("other organization lists %+v", theirs.Items)
		}
		if r := b.browser.do("POST", "/api/v1/acme-directories", valid); r.Status != http.StatusBadRequest || r.errorField() != "issuer_sha256" {
			t.Errorf("other organization naming our CA: %d %s", r.Status, r.Body)
		}
		b.browser.must(http.StatusNotFound, "DELETE", "/api/v1/acme-directories/"+d.ID, nil, nil)

		// The domain shows the CA's window once the CA answered.
		type detail struct {
			SHA256      string `json:"sha256"`
			RenewalInfo *struct {
				WindowStart    time.Time `json:"window_start"`
				WindowEnd      time.Time `json:"window_end"`
				ExplanationURL string    `json:"explanation_url"`
			} `json:"renewal_info"`
		}
		var got detail
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if got.RenewalInfo != nil {
			t.Fatalf("renewal info before any lookup: %+v", got.RenewalInfo)
		}
		start, end, now := time.Now().UTC().Add(48*time.Hour).Truncate(time.Second), time.Now().UTC().Add(72*time.Hour).Truncate(time.Second), time.Now().UTC()
		if err := srv.store.SaveRenewalInfo(t.Context(), store.RenewalInfo{OrganizationID: a.session.Organization.ID, SHA256: got.SHA256,
			DirectoryURL: valid["directory_url"], WindowStart: &start, WindowEnd: &end, ExplanationURL: "https://acme.corp.example/why",
			FetchedAt: &now, NextFetchAt: now.Add(6 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if got.RenewalInfo == nil || !got.RenewalInfo.WindowStart.Equal(start) || !got.RenewalInfo.WindowEnd.Equal(end) {
			t.Fatalf("renewal info %+v, want %s – %s", got.RenewalInfo, start, end)
		}

		a.browser.must(http.StatusNoContent, "DELETE", "/api/v1/acme-directories/"+d.ID, nil, nil)
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if got.RenewalInfo != nil {
			t.Errorf("renewal info still shown once its directory is gone: %+v", got.RenewalInfo)
		}
	})
}
