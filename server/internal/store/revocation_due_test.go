package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRevocationRowsAtFirstSight: a status row, pending and due at once,
// exists from when the organization first serves a leaf or intermediate;
// none for a self-issued root or an expired certificate.
func TestRevocationRowsAtFirstSight(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, store.Options{Now: func() time.Time { return now }})
			tn := newTenant(t, s)
			root := inventoryCert(fingerprintOf("root"), "CN=Root", now.AddDate(-1, 0, 0), 3650, true)
			root.Issuer = "CN=Root"
			inter := inventoryCert(fingerprintOf("inter"), "CN=Inter", now.AddDate(-1, 0, 0), 3650, true)
			inter.Issuer = "CN=Root"
			leaf := inventoryCert(fingerprintOf("leaf"), "CN=x.example", now.AddDate(0, 0, -10), 90, false)
			expired := inventoryCert(fingerprintOf("expired"), "CN=Old", now.AddDate(-1, 0, 0), 30, true)
			chain := []store.Certificate{leaf, inter, expired, root}
			rs := store.ResultSet{BatchID: "a", AgentID: tn.agentID, Certificates: chain,
				Observations: []store.Observation{served(tn.domainID, now, "trusted", chain...)}}
			if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
				t.Fatal(err)
			}
			got, err := s.RevocationStatuses(ctx, tn.orgID, []string{leaf.SHA256, inter.SHA256, expired.SHA256, root.SHA256})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[leaf.SHA256].State != "pending" || got[inter.SHA256].State != "pending" {
				t.Fatalf("statuses %+v, want pending rows for the leaf and the intermediate only", got)
			}
			if at := got[leaf.SHA256].NextCheckAt; at.After(now) {
				t.Errorf("first check at %s, want now", at)
			}
			due, err := s.DueRevocationChecks(ctx, 10)
			if err != nil || len(due) != 2 {
				t.Fatalf("due %d (%v), want the two rows", len(due), err)
			}
		})
	}
}

// TestRevocationChecksTakenFairly: one organization with many certificates
// due does not starve another: a pass takes the other's in its first
// batch, and certificates not due are not taken.
func TestRevocationChecksTakenFairly(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, store.Options{Now: func() time.Time { return now }})
			// serve gives an organization's domain a chain of n certificates,
			// none self-issued.
			serve := func(orgID, agentID, name string, n int) []string {
				t.Helper()
				dom, err := s.CreateDomain(ctx, orgID, store.Domain{Host: name + ".example", Port: 443, Protocol: "tls", AgentID: &agentID})
				if err != nil {
					t.Fatal(err)
				}
				var chain []store.Certificate
				var shas []string
				for i := range n {
					c := inventoryCert(fingerprintOf(fmt.Sprintf("%s-%d", name, i)), fmt.Sprintf("CN=%s %d", name, i), now.AddDate(0, 0, -1), 90, i > 0)
					chain, shas = append(chain, c), append(shas, c.SHA256)
				}
				rs := store.ResultSet{BatchID: name, AgentID: agentID, Certificates: chain,
					Observations: []store.Observation{served(dom.ID, now, "trusted", chain...)}}
				if _, err := s.SaveResults(ctx, orgID, rs); err != nil {
					t.Fatal(err)
				}
				return shas
			}
			big := newTenant(t, s)
			serve(big.orgID, big.agentID, "big", 30)
			_, small, err := s.CreateAccount(ctx, "small@example.com", "h", "Small")
			if err != nil {
				t.Fatal(err)
			}
			agent, err := s.CreateAgent(ctx, small.ID, store.Agent{Name: "a", Prefix: "q", TokenHash: "h2"})
			if err != nil {
				t.Fatal(err)
			}
			smallShas := serve(small.ID, agent.ID, "small", 2)

			byOrg := func(due []store.RevocationCheck) map[string]int {
				n := map[string]int{}
				for _, c := range due {
					n[c.OrganizationID]++
				}
				return n
			}
			due, err := s.DueRevocationChecks(ctx, 6)
			if err != nil {
				t.Fatal(err)
			}
			if n := byOrg(due); n[small.ID] != 2 || n[big.orgID] != 4 {
				t.Fatalf("a batch of 6 took %v, want both of the small organization's and 4 of the big one's", n)
			}

			// Once checked, the small organization's rows are not due: the big
			// one's backlog is all a batch finds.
			for _, sha := range smallShas {
				checked := now
				if err := s.SaveRevocationStatus(ctx, store.RevocationStatus{OrganizationID: small.ID, SHA256: sha,
					State: "good", Source: "ocsp", CheckedAt: &checked, NextCheckAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			due, err = s.DueRevocationChecks(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			if n := byOrg(due); n[small.ID] != 0 || n[big.orgID] != 30 {
				t.Fatalf("due %v, want the big organization's 30 only", n)
			}
		})
	}
}

// fingerprintOf makes a 64-character fingerprint from a name.
func fingerprintOf(name string) string {
	return fmt.Sprintf("%064x", []byte(name))[:64]
}
