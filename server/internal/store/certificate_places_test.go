package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestFirstServers checks the endpoints a page of the inventory lists for
// each certificate, on both databases: the first n of the organization's
// domains serving it, by domain id, none for a certificate nobody serves,
// and none of another organization serving the same chain.
func TestFirstServers(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			ca := inventoryCert(strings.Repeat("c", 64), "CN=Test CA", t0.AddDate(-1, 0, 0), 3650, true)
			leafA := inventoryCert(strings.Repeat("a", 64), "CN=a.example", t0, 90, false, "a.example")
			leafB := inventoryCert(strings.Repeat("b", 64), "CN=b.example", t0, 90, false, "b.example")
			idle := inventoryCert(strings.Repeat("e", 64), "CN=e.example", t0, 90, false, "e.example")
			var tenants []tenant
			var domains [][]string // each tenant's domains, sorted by id
			for i := range 2 {
				_, org, err := s.CreateAccount(ctx, fmt.Sprintf("places%d@example.com", i), "h", "P")
				if err != nil {
					t.Fatal(err)
				}
				agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: fmt.Sprintf("places%d", i)})
				if err != nil {
					t.Fatal(err)
				}
				tn := tenant{s: s, orgID: org.ID, agentID: agent.ID}
				var ids []string
				var obs []store.Observation
				for j := range 5 {
					dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: fmt.Sprintf("h%d.example", j), Port: 443, Protocol: "tls", AgentID: &agent.ID})
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, dom.ID)
					leaf := leafA
					if j == 4 {
						leaf = leafB
					}
					obs = append(obs, served(dom.ID, t0, "trusted", leaf, ca))
				}
				rs := store.ResultSet{BatchID: "b" + org.ID, AgentID: agent.ID, Observations: obs, Certificates: []store.Certificate{ca, leafA, leafB, idle}}
				if _, err := s.SaveResults(ctx, org.ID, rs); err != nil {
					t.Fatal(err)
				}
				slices.Sort(ids)
				tenants, domains = append(tenants, tn), append(domains, ids)
			}
			mine := domains[0]
			got, err := s.FirstServers(ctx, tenants[0].orgID, []string{ca.SHA256, leafA.SHA256, leafB.SHA256, idle.SHA256}, 3)
			if err != nil {
				t.Fatal(err)
			}
			leafBDomain := ""
			for _, sd := range got[leafB.SHA256] {
				leafBDomain = sd.DomainID
			}
			servingA := slices.DeleteFunc(slices.Clone(mine), func(id string) bool { return id == leafBDomain })
			for sha, want := range map[string][]string{ca.SHA256: mine[:3], leafA.SHA256: servingA[:3], leafB.SHA256: {leafBDomain}, idle.SHA256: nil} {
				var ids []string
				for _, sd := range got[sha] {
					ids = append(ids, sd.DomainID)
				}
				if !slices.Equal(ids, want) {
					t.Errorf("%s…: %v, want %v", sha[:4], ids, want)
				}
			}
			if !slices.Contains(mine, leafBDomain) {
				t.Errorf("leaf b served by %q, not one of the organization's domains", leafBDomain)
			}
			for _, sd := range got[ca.SHA256] {
				if sd.Position != 1 || !strings.HasPrefix(sd.Host, "h") || sd.Port != 443 {
					t.Errorf("CA server %+v, want position 1 of an h*.example:443", sd)
				}
			}
		})
	}
}
