package revocation_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRevokedLeafMakesDomainInvalid follows a monitored endpoint whose
// certificate its CA revokes: not revoked at first, then, once the
// refresher has checked again, the domain's status is invalid with the
// problem revoked and an alert is recorded; the certificate's status
// names the OCSP answer.
func TestRevokedLeafMakesDomainInvalid(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			org := newOrganization(t, st, "revoked@example.com", "Revoked")
			ca := newCA(t, "Internal CA "+string(d))
			host := "revoked-" + string(d) + ".example.test"
			leaf, key := ca.issueFor(host, ca.srv.URL+"/ocsp", ca.srv.URL+"/crl")
			caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
			if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "Internal", PEM: caPEM, Certificates: 1}); err != nil {
				t.Fatal(err)
			}
			dom := serveDomain(t, st, org.ID, host, []*x509.Certificate{leaf, ca.cert}, key, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ingester := monitor.NewIngester(st, nil, log)
			check := endpointChecker(st, ingester, log)
			rejudger := monitor.NewRejudger(st, ingester, log)
			r := &revocation.Refresher{Store: st, Checker: newChecker(clk.Now, 5*time.Second), Log: log,
				Changed: rejudger.Request, Batch: 10, MaxBatches: 2, Concurrency: 2}
			evaluator := alerts.NewEvaluator(st, "https://certinel.example", log, nil)
			// refresh runs the job, the re-judging it asks for, and the alert
			// evaluation, and answers the domain.
			refresh := func(step string) store.DomainView {
				t.Helper()
				if err := r.Run(ctx); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if err := rejudger.RunPending(ctx); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if err := evaluator.Run(ctx); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				v, err := st.GetDomain(ctx, org.ID, dom.ID, 0)
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				return v
			}
			if err := check.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if v := refresh("first check"); v.Status != lifecycle.StatusOK {
				t.Fatalf("first check: status %s %v, want ok", v.Status, v.Problems)
			}
			sha := fingerprint(leaf)
			got, err := st.RevocationStatuses(ctx, org.ID, []string{sha, fingerprint(ca.cert)})
			if err != nil {
				t.Fatal(err)
			}
			if s := got[sha]; len(got) != 1 || s.State != "good" || s.Source != "ocsp" || s.CheckedAt == nil {
				t.Fatalf("statuses %+v, want the leaf's good by OCSP and none for the self-signed CA", got)
			}
			if want := clk.Now().Add(revocation.MaxRecheck); got[sha].NextCheckAt.After(want) || got[sha].NextCheckAt.Before(want.Add(-time.Minute)) {
				t.Errorf("next check at %s, want a day later (the answer's next update clamped)", got[sha].NextCheckAt)
			}

			revokedAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			ca.revoke(leaf, ocsp.KeyCompromise, revokedAt)
			if v := refresh("revoked, not yet due"); v.Status != lifecycle.StatusOK {
				t.Fatalf("checked again before due: status %s", v.Status)
			}
			clk.Advance(revocation.MaxRecheck + time.Minute)
			v := refresh("revoked")
			if v.Status != lifecycle.StatusInvalid || !slices.Contains(v.Problems, lifecycle.ProblemRevoked) {
				t.Fatalf("after revocation: status %s problems %v, want invalid with revoked", v.Status, v.Problems)
			}
			got, err = st.RevocationStatuses(ctx, org.ID, []string{sha})
			if err != nil {
				t.Fatal(err)
			}
			if s := got[sha]; s.State != "revoked" || s.Reason != "key_compromise" || s.RevokedAt == nil || !s.RevokedAt.Equal(revokedAt) {
				t.Errorf("status %+v, want revoked for key compromise at %s", s, revokedAt)
			}
			list, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeInvalidChain}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].DomainID == nil || *list[0].DomainID != dom.ID || !strings.Contains(list[0].Payload, "revoked by its CA") ||
				!strings.Contains(list[0].Payload, `"problem":"revoked"`) {
				t.Fatalf("alerts %+v, want one for the revoked chain of domain %s", list, dom.ID)
			}

			// A new check of the endpoint keeps the verdict: the revocation
			// is read at ingest too.
			if err := check.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if v, err := st.GetDomain(ctx, org.ID, dom.ID, 0); err != nil || v.Status != lifecycle.StatusInvalid {
				t.Errorf("after another check: status %s (%v), want still invalid", v.Status, err)
			}
		})
	}
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// TestIssuerFromCABundle: a leaf served without its issuer is checked
// once the organization's CA bundles hold the root that issued it.
func TestIssuerFromCABundle(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			org := newOrganization(t, st, "alone@example.com", "Alone")
			ca := newCA(t, "Bundled CA "+string(d))
			host := "alone-" + string(d) + ".example.test"
			leaf, key := ca.issueFor(host, ca.srv.URL+"/ocsp", "")
			serveDomain(t, st, org.ID, host, []*x509.Certificate{leaf}, key, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ingester := monitor.NewIngester(st, nil, log)
			check := endpointChecker(st, ingester, log)
			if err := check.Run(ctx); err != nil {
				t.Fatal(err)
			}
			r := &revocation.Refresher{Store: st, Checker: newChecker(clk.Now, 5*time.Second), Log: log,
				OrgRoots: ingester.OrgRoots, Batch: 10, MaxBatches: 1, Concurrency: 1}
			status := func() store.RevocationStatus {
				t.Helper()
				if err := r.Run(ctx); err != nil {
					t.Fatal(err)
				}
				got, err := st.RevocationStatuses(ctx, org.ID, []string{fingerprint(leaf)})
				if err != nil {
					t.Fatal(err)
				}
				return got[fingerprint(leaf)]
			}
			if s := status(); s.State != "unavailable" || !strings.Contains(s.LastError, "neither served with it nor among the trusted roots") || s.Failures != 1 {
				t.Fatalf("without the issuer: %+v, want unavailable saying why", s)
			}
			caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
			if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "Internal", PEM: caPEM, Certificates: 1}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(revocation.MinRecheck + time.Minute)
			if s := status(); s.State != "good" || s.Source != "ocsp" || s.Failures != 0 || s.LastError != "" {
				t.Fatalf("with the issuer in a CA bundle: %+v, want good by OCSP", s)
			}
		})
	}
}
