package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRevocationChecksDueAndPruned: the leaves and intermediates an
// organization serves are due once checked never or long enough ago, each
// with the certificate that follows it in a served chain as its issuer;
// self-issued roots are not checked; statuses are scoped by organization
// and forgotten once nothing serves their certificate.
func TestRevocationChecksDueAndPruned(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			now := t0.Add(time.Hour)
			advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
			s := storetest.Open(t, d, store.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
			tn := newTenant(t, s)
			cert := func(digit, subject, issuer string, ca bool) store.Certificate {
				c := inventoryCert(strings.Repeat(digit, 64), subject, t0.AddDate(0, -1, 0), 365, ca)
				c.Issuer = issuer
				return c
			}
			root := cert("1", "CN=Root", "CN=Root", true)
			inter := cert("2", "CN=Inter", "CN=Root", true)
			leaf := cert("3", "CN=x.example", "CN=Inter", false)
			renewed := cert("4", "CN=x.example", "CN=Inter", false)
			save := func(batch string, chain ...store.Certificate) {
				t.Helper()
				rs := store.ResultSet{BatchID: batch, AgentID: tn.agentID, Certificates: chain,
					Observations: []store.Observation{served(tn.domainID, now, "trusted", chain...)}}
				if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
					t.Fatal(err)
				}
			}
			due := func(step string, want map[string]string) []store.RevocationCheck {
				t.Helper()
				got, err := s.DueRevocationChecks(ctx, 10)
				if err != nil {
					t.Fatal(err)
				}
				have := map[string]string{}
				for _, c := range got {
					issuer := ""
					if c.IssuerSHA256 != nil {
						issuer = *c.IssuerSHA256
						if string(c.IssuerDER) != issuer { // the test's DER is the fingerprint
							t.Errorf("%s: issuer DER %q, want %q", step, c.IssuerDER, issuer)
						}
					}
					if c.OrganizationID != tn.orgID {
						t.Errorf("%s: due for organization %s", step, c.OrganizationID)
					}
					have[c.SHA256] = issuer
				}
				if len(have) != len(want) {
					t.Fatalf("%s: due %v, want %v", step, have, want)
				}
				for sha, issuer := range want {
					if got, ok := have[sha]; !ok || got != issuer {
						t.Fatalf("%s: due %v, want %v", step, have, want)
					}
				}
				return got
			}

			save("a", leaf, inter, root)
			due("first", map[string]string{leaf.SHA256: inter.SHA256, inter.SHA256: root.SHA256})

			checked := now
			for _, c := range []store.Certificate{leaf, inter} {
				if err := s.SaveRevocationStatus(ctx, store.RevocationStatus{OrganizationID: tn.orgID, SHA256: c.SHA256,
					State: "revoked", Source: "crl", RevokedAt: &t0, Reason: "key_compromise", CheckedAt: &checked,
					NextCheckAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			due("just checked", nil)
			advance(2 * time.Hour)
			again := due("an hour later", map[string]string{leaf.SHA256: inter.SHA256, inter.SHA256: root.SHA256})
			if k := again[0].Known; k.State != "revoked" || k.Reason != "key_compromise" || k.RevokedAt == nil || !k.RevokedAt.Equal(t0) {
				t.Errorf("known so far: %+v, want the saved status", k)
			}

			_, other, err := s.CreateAccount(ctx, "other@example.com", "h", "Other")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.RevocationStatuses(ctx, other.ID, []string{leaf.SHA256}); err != nil || len(got) != 0 {
				t.Errorf("another organization sees statuses %v (%v)", got, err)
			}
			if got, err := s.RevocationStatuses(ctx, tn.orgID, []string{leaf.SHA256, renewed.SHA256}); err != nil || len(got) != 1 || got[leaf.SHA256].State != "revoked" {
				t.Errorf("statuses %v (%v), want the leaf's", got, err)
			}

			if got, err := s.RevokedOrStapled(ctx, tn.orgID, []string{leaf.SHA256, inter.SHA256, root.SHA256}); err != nil || len(got) != 2 {
				t.Errorf("revoked %v (%v), want the leaf and the intermediate", got, err)
			}
			if err := s.SaveRevocationStatus(ctx, store.RevocationStatus{OrganizationID: tn.orgID, SHA256: inter.SHA256,
				State: "good", Source: "ocsp", CheckedAt: &checked, NextCheckAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if got, err := s.RevokedOrStapled(ctx, tn.orgID, []string{leaf.SHA256, inter.SHA256}); err != nil || len(got) != 1 || got[leaf.SHA256].SHA256 == "" {
				t.Errorf("revoked %v (%v), want the leaf only once the intermediate is good", got, err)
			}

			save("b", renewed, inter, root)
			if n, err := s.PruneRevocationStatus(ctx); err != nil || n != 1 {
				t.Fatalf("pruned %d (%v), want the replaced leaf's status only", n, err)
			}
			if got, err := s.RevocationStatuses(ctx, tn.orgID, []string{leaf.SHA256, inter.SHA256}); err != nil || len(got) != 1 || got[inter.SHA256].SHA256 == "" {
				t.Errorf("after pruning: %v (%v), want the intermediate's kept", got, err)
			}
		})
	}
}
