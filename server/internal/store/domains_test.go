package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// plan is the renewal plan of a certificate of life days expiring at notAfter.
func plan(life float64, notAfter time.Time) lifecycle.Plan {
	born := notAfter.Add(-time.Duration(life * float64(lifecycle.Day)))
	return lifecycle.NewPlan(born, notAfter, notAfter, lifecycle.Settings{}, nil)
}

// TestDomainStatusAndFilters checks that status, days-left order and every
// filter agree on both databases while the clock moves.
func TestDomainStatusAndFilters(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 123456789, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "x@example.com", "h", "X")
			if err != nil {
				t.Fatal(err)
			}
			agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
			if err != nil {
				t.Fatal(err)
			}
			mk := func(host string, tags ...string) store.Domain {
				dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: host, Port: 443, Protocol: "tls", AgentID: &agent.ID, Tags: tags})
				if err != nil {
					t.Fatal(err)
				}
				return dom
			}
			soon, later, dead, broken := mk("soon.example", "prod"), mk("later.example", "prod", "web"), mk("dead.example"), mk("broken.example")
			mk("never.example")
			at := func(days float64) *time.Time {
				v := clk.t.Add(time.Duration(days * 24 * float64(time.Hour)))
				return &v
			}
			obs := []store.Observation{
				{ID: store.NewID(), DomainID: &soon.ID, ObservedAt: clk.t, NotAfter: at(10.5), LeafSHA256: "", Renewal: plan(90, *at(10.5))},
				{ID: store.NewID(), DomainID: &later.ID, ObservedAt: clk.t, NotAfter: at(100), Renewal: plan(200, *at(100))},
				{ID: store.NewID(), DomainID: &dead.ID, ObservedAt: clk.t, NotAfter: at(-0.0001), Renewal: plan(90, *at(-0.0001))},
				{ID: store.NewID(), DomainID: &broken.ID, ObservedAt: clk.t, Error: "refused", ErrorKind: "refused"},
			}
			if _, err := s.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "b", AgentID: agent.ID, Observations: obs, Rejected: "[]"}); err != nil {
				t.Fatal(err)
			}
			page := store.Page{Number: 1, PerPage: 50}
			want := map[string]lifecycle.Status{
				"soon.example": lifecycle.StatusExpiring, "later.example": lifecycle.StatusOK, "dead.example": lifecycle.StatusExpired,
				"broken.example": lifecycle.StatusUnreachable, "never.example": lifecycle.StatusPending,
			}
			all, total, err := s.ListDomains(ctx, org.ID, store.DomainFilter{FloorDays: 30}, page)
			if err != nil || total != 5 {
				t.Fatalf("list: %v %d", err, total)
			}
			for _, v := range all {
				if v.Status != want[v.Host] {
					t.Errorf("%s: status %s, want %s", v.Host, v.Status, want[v.Host])
				}
			}
			for status, host := range map[string]string{string(lifecycle.StatusExpiring): "soon.example", string(lifecycle.StatusExpired): "dead.example", string(lifecycle.StatusPending): "never.example"} {
				got, n, err := s.ListDomains(ctx, org.ID, store.DomainFilter{Status: status, FloorDays: 30}, page)
				if err != nil || n != 1 || got[0].Host != host {
					t.Errorf("status=%s: %v %d %+v", status, err, n, got)
				}
			}
			byDays, _, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{Sort: "days_left", FloorDays: 30}, page)
			order := []string{"dead.example", "soon.example", "later.example"}
			for i, h := range order {
				if byDays[i].Host != h {
					t.Errorf("days_left order at %d: %s, want %s", i, byDays[i].Host, h)
				}
			}
			tagged, n, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{Tag: "web", FloorDays: 30}, page)
			if n != 1 || tagged[0].Host != "later.example" || len(tagged[0].Tags) != 2 {
				t.Errorf("tag filter: %d %+v", n, tagged)
			}
			before := clk.t.Add(30 * 24 * time.Hour)
			if _, n, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{ExpiresBefore: &before, FloorDays: 30}, page); n != 2 {
				t.Errorf("expires_before: %d, want 2", n)
			}
			if _, n, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{Query: "%", FloorDays: 30}, page); n != 0 {
				t.Errorf("q=%% matched %d: LIKE wildcards must be literal", n)
			}
			if got, n, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{Query: "SOON", FloorDays: 30}, page); n != 1 || got[0].Host != "soon.example" {
				t.Errorf("q=SOON: %d", n)
			}
			p2, n, _ := s.ListDomains(ctx, org.ID, store.DomainFilter{}, store.Page{Number: 2, PerPage: 2})
			if n != 5 || len(p2) != 2 || p2[0].Host != "later.example" {
				t.Errorf("page 2: %d %+v", n, p2)
			}

			// Time moves on: the soon one expires without any write.
			clk.t = clk.t.Add(11 * 24 * time.Hour)
			v, err := s.GetDomain(ctx, org.ID, soon.ID, 30)
			if err != nil || v.Status != lifecycle.StatusExpired {
				t.Errorf("after 11 days: %v %s", err, v.Status)
			}

			// An older result arriving late does not replace the newer state.
			old := []store.Observation{{ID: store.NewID(), DomainID: &later.ID, ObservedAt: clk.t.Add(-30 * 24 * time.Hour), Error: "timeout"}}
			if _, err := s.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "late", AgentID: agent.ID, Observations: old, Rejected: "[]"}); err != nil {
				t.Fatal(err)
			}
			if v, _ := s.GetDomain(ctx, org.ID, later.ID, 30); v.Status != lifecycle.StatusOK {
				t.Errorf("late result overwrote state: %s", v.Status)
			}

			// Another organization sees none of it.
			_, org2, _ := s.CreateAccount(ctx, "y@example.com", "h", "Y")
			if _, err := s.GetDomain(ctx, org2.ID, soon.ID, 30); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant get: %v", err)
			}
			if err := s.DeleteDomain(ctx, org2.ID, soon.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant delete: %v", err)
			}
			if _, err := s.CreateDomain(ctx, org2.ID, store.Domain{Host: "z", Port: 1, Protocol: "tls", AgentID: &agent.ID}); !errors.Is(err, store.ErrAgentNotFound) {
				t.Errorf("cross-tenant agent: %v", err)
			}
			if _, err := s.GetAgent(ctx, org2.ID, agent.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cross-tenant agent get: %v", err)
			}
		})
	}
}

func TestMigrateTwice(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d, store.Options{})
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
		})
	}
}

// TestDeleteAgentWithDuplicateEndpoint: deleting an agent whose domain
// repeats one the server checks keeps one domain, not a conflict.
func TestDeleteAgentWithDuplicateEndpoint(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			_, org, _ := s.CreateAccount(ctx, "dup@example.com", "h", "D")
			agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "dup"})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []*string{nil, &agent.ID} {
				if _, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "x.example", Port: 443, Protocol: "tls", AgentID: a}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "only.example", Port: 443, Protocol: "tls", AgentID: &agent.ID}); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteAgent(ctx, org.ID, agent.ID); err != nil {
				t.Fatalf("delete agent: %v", err)
			}
			_, n, err := s.ListDomains(ctx, org.ID, store.DomainFilter{}, store.Page{Number: 1, PerPage: 10})
			if err != nil || n != 2 {
				t.Fatalf("domains after delete: %d %v", n, err)
			}
		})
	}
}
