package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestBackfillPlansExistingStates: a state stored before renewal windows
// existed gets, when the server starts, the window its next check would
// give it (the domain's fraction first), so that its status and alerts
// need not wait for that check.
func TestBackfillPlansExistingStates(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "b@example.com", "h", "B")
			if err != nil {
				t.Fatal(err)
			}
			half := 0.5
			plain, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "plain.example", Port: 443, Protocol: "tls"})
			if err != nil {
				t.Fatal(err)
			}
			early, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "early.example", Port: 443, Protocol: "tls", RenewAfterFraction: &half})
			if err != nil {
				t.Fatal(err)
			}
			// A 90-day certificate issued 60 days ago: inside its window by
			// default, overdue for a domain that renews at half-life.
			born, dies := clk.t.Add(-60*lifecycle.Day), clk.t.Add(30*lifecycle.Day)
			sha := strings.Repeat("cd", 32)
			cert := store.Certificate{SHA256: sha, DER: []byte{1}, Subject: "CN=x", Issuer: "CN=ca", Serial: "1", NotBefore: born, NotAfter: dies, CreatedAt: clk.t, Facts: "{}"}
			var obs []store.Observation
			for _, dom := range []store.Domain{plain, early} {
				obs = append(obs, store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: clk.t, LeafSHA256: sha, NotAfter: &dies, VerdictStatus: "ok"})
			}
			rs := store.ResultSet{BatchID: "old", Certificates: []store.Certificate{cert}, Observations: obs, Rejected: "[]"}
			if _, err := s.SaveResults(ctx, org.ID, rs); err != nil {
				t.Fatal(err)
			}
			if v, _ := s.GetDomain(ctx, org.ID, early.ID, 0); v.WindowEnd != nil {
				t.Fatalf("a state saved without a plan has window end %s", v.WindowEnd)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				dom  store.Domain
				want lifecycle.Status
			}{{plain, lifecycle.StatusOK}, {early, lifecycle.StatusDue}} {
				dom, want := c.dom, c.want
				v, err := s.GetDomain(ctx, org.ID, dom.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				if v.WindowEnd == nil || v.UrgentAt == nil || v.WindowSource != lifecycle.SourceEstimate || v.Status != want {
					t.Errorf("%s after the backfill: window end %v, urgent %v, source %q, status %s; want a plan and %s",
						dom.Host, v.WindowEnd, v.UrgentAt, v.WindowSource, v.Status, want)
				}
				got, _, err := s.ListDomains(ctx, org.ID, store.DomainFilter{Status: string(want)}, store.Page{Number: 1, PerPage: 10})
				if err != nil || len(got) != 1 || got[0].ID != dom.ID {
					t.Errorf("status=%s lists %d domains, want %s", want, len(got), dom.Host)
				}
			}
		})
	}
}
