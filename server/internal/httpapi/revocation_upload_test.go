package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// crlOf signs a CRL of ca with the given number and next update, listing
// revoked.
func crlOf(t *testing.T, ca issuer, number int64, next time.Time, revoked ...*big.Int) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: next.Add(-7 * 24 * time.Hour), NextUpdate: next}
	for _, s := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: s, RevocationTime: time.Now().Add(-time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// internalCA is a CA that signs CRLs, not trusted by the test server.
func internalCA(t *testing.T, name string) (issuer, []byte) {
	t.Helper()
	now := time.Now()
	k := mustKey(t)
	c, der := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, nil, k)
	return issuer{c, k}, der
}

// TestUploadCRL: a CRL of an internal CA the organization serves is
// tracked with origin uploaded and answers for that CA's certificates; an
// expired one raises a crl_health alert that a newer upload resolves; a
// CRL of an issuer it does not serve is refused with 422, a viewer may not
// upload, and another organization sees none of it.
func TestUploadCRL(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		ctx := context.Background()
		a := srv.newTenant(t, "upload@example.com")
		orgID := a.session.Organization.ID
		ca, caDER := internalCA(t, "Unpublished CA")
		_, leafDER := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "db.internal"}, DNSNames: []string{"db.internal"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &ca, mustKey(t))
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "db.internal", "port": 443, "agent_id": a.agentID}, &d)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "b1",
			Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: testChain{ders: [][]byte{leafDER, caDER}}.base64()}}}, nil)
		upload := func(c *client, der []byte) response {
			t.Helper()
			return c.raw("POST", "/api/v1/revocation-sources/crls", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}),
				map[string]string{"Content-Type": "application/pkix-crl"})
		}
		evaluate := func() {
			t.Helper()
			if err := srv.evaluator.RunOrg(ctx, orgID); err != nil {
				t.Fatal(err)
			}
		}
		crlAlerts := func(state string) int {
			t.Helper()
			list, _, err := srv.store.ListAlerts(ctx, orgID, store.AlertFilter{Type: notify.TypeCRLHealth, State: state}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}

		// Expired: tracked, and stale.
		r := upload(a.browser, crlOf(t, ca, 1, time.Now().Add(-time.Hour)))
		var src struct {
			URL      string   `json:"url"`
			Origin   string   `json:"origin"`
			Problems []string `json:"problems"`
		}
		if r.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		r.json(t, &src)
		if src.Origin != "uploaded" || !strings.HasPrefix(src.URL, "upload:") || len(src.Problems) != 1 || src.Problems[0] != "stale" {
			t.Fatalf("uploaded source %+v, want origin uploaded, stale", src)
		}
		evaluate()
		if n := crlAlerts(store.AlertOpen); n != 1 {
			t.Fatalf("%d open crl_health alerts after an expired upload, want 1", n)
		}

		// Newer: replaces it, resolves the alert, and answers for the leaf.
		if r := upload(a.browser, crlOf(t, ca, 2, time.Now().Add(7*24*time.Hour))); r.Status != http.StatusCreated {
			t.Fatalf("newer upload: %d %s", r.Status, r.Body)
		}
		evaluate()
		if n := crlAlerts(store.AlertOpen); n != 0 {
			t.Errorf("%d open crl_health alerts after a newer upload, want 0", n)
		}
		var list listOut[struct {
			URL    string `json:"url"`
			Origin string `json:"origin"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/revocation-sources", nil, &list)
		if list.Total != 1 || list.Items[0].Origin != "uploaded" {
			t.Fatalf("sources %+v, want the one upload", list)
		}
		if err := srv.revocations.Run(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := srv.store.RevocationStatuses(ctx, orgID, []string{fingerprint(leafDER)})
		if err != nil {
			t.Fatal(err)
		}
		if rs := got[fingerprint(leafDER)]; rs.State != "good" || rs.Source != "crl" {
			t.Errorf("leaf status %+v, want good from the uploaded CRL", rs)
		}

		// Refused: an issuer not served, garbage, a viewer.
		stranger, _ := internalCA(t, "Unpublished CA")
		r = upload(a.browser, crlOf(t, stranger, 1, time.Now().Add(time.Hour)))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "no certificate the organization serves issued this CRL") {
			t.Errorf("unknown issuer: %d %s, want 422", r.Status, r.Body)
		}
		if r := a.browser.raw("POST", "/api/v1/revocation-sources/crls", []byte("not a CRL\x00"), nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("garbage: %d %s, want 422", r.Status, r.Body)
		}
		viewer, _ := inviteAndAccept(t, srv, a.browser, "crl-viewer@example.com", "viewer")
		if r := upload(viewer, crlOf(t, ca, 3, time.Now().Add(time.Hour))); r.Status != http.StatusForbidden {
			t.Errorf("viewer upload: %d, want 403", r.Status)
		}

		// Another organization sees none of it.
		b, _ := srv.signup(t, "other-upload@example.com")
		var none listOut[struct{}]
		b.must(http.StatusOK, "GET", "/api/v1/revocation-sources", nil, &none)
		if none.Total != 0 {
			t.Errorf("another organization sees %d sources", none.Total)
		}
		if r := upload(b, crlOf(t, ca, 4, time.Now().Add(time.Hour))); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("another organization uploading this CA's CRL: %d, want 422 (it serves no such issuer)", r.Status)
		}
	})
}
