package alerts_test

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// pass runs one pass over every organization and returns what it did.
func (f *fixture) pass() alerts.PassStats {
	f.t.Helper()
	stats, err := f.ev.Pass(f.ctx, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return stats
}

func TestPassWithNothingDueLoadsNoDomains(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			for i := range 3 {
				f.observe(f.domain(fmt.Sprintf("h%d.example.com", i)), "leaf", f.clk.t.Add(200*24*time.Hour), "")
			}
			if got := f.pass(); got.Domains != 3 {
				t.Fatalf("first pass after the checks loaded %d domains, want 3", got.Domains)
			}
			f.clk.t = f.clk.t.Add(time.Hour)
			if got := f.pass(); got.Domains != 0 || got.Batches != 0 {
				t.Fatalf("pass with nothing due: %+v, want no batch and no domain", got)
			}
			// A check that arrives makes its domain due again.
			f.observe(f.domain("h9.example.com"), "leaf", f.clk.t.Add(200*24*time.Hour), "")
			if got := f.pass(); got.Domains != 1 {
				t.Fatalf("pass after one check loaded %d domains, want 1", got.Domains)
			}
		})
	}
}

func TestThresholdCrossingMakesDomainDueThen(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			expiry := f.clk.t.Add(20 * 24 * time.Hour)
			f.observe(f.domain("www.example.com"), "leaf", expiry, "")
			want(t, "20 days left", f.evaluate(), map[string]int{"expiring": 1})
			crossing := expiry.Add(-14 * 24 * time.Hour)
			f.clk.t = crossing.Add(-time.Microsecond)
			if got := f.pass(); got.Domains != 0 {
				t.Fatalf("just before the 14-day crossing: loaded %d domains, want 0", got.Domains)
			}
			f.clk.t = crossing
			var stats alerts.PassStats
			want(t, "the 14-day crossing, with no new check", f.fired(func() { stats = f.pass() }), map[string]int{"expiring": 1})
			if stats.Domains != 1 {
				t.Fatalf("at the crossing: loaded %d domains, want 1", stats.Domains)
			}
			f.clk.t = expiry
			want(t, "expiry, with no new check", f.evaluate(), map[string]int{"expired": 1})
			f.clk.t = expiry.Add(365 * 24 * time.Hour)
			if got := f.pass(); got.Domains != 0 {
				t.Fatalf("after expiry, with no time left to cross: loaded %d domains", got.Domains)
			}
		})
	}
}

func TestRuleChangeMakesOrganizationDue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.observe(f.domain("a.example.com"), "a", f.clk.t.Add(10*24*time.Hour), "")
			f.observe(f.domain("b.example.com"), "b", f.clk.t.Add(200*24*time.Hour), "")
			want(t, "10 days left", f.evaluate(), map[string]int{"expiring": 1})
			if got := f.pass(); got.Domains != 0 {
				t.Fatalf("nothing changed, yet %d domains loaded", got.Domains)
			}
			f.changeRule(func(r *store.AlertRule) { r.ScopeAll, r.ScopeTags = false, []string{"prod"} })
			var stats alerts.PassStats
			want(t, "out of the rule's scope", f.fired(func() { stats = f.pass() }), map[string]int{"resolved": 1})
			if stats.Domains != 2 {
				t.Fatalf("after the rule change: loaded %d domains, want the organization's 2", stats.Domains)
			}
		})
	}
}

// A big organization with many domains due first does not keep a small
// one waiting: each pass serves the organizations in turn.
func TestPassesServeOrganizationsInTurn(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.ev.Batch, f.ev.MaxBatches = 2, 1
			for i := range 9 {
				f.observe(f.domain(fmt.Sprintf("big%d.example.com", i)), "leaf", f.clk.t.Add(200*24*time.Hour), "")
			}
			f.clk.t = f.clk.t.Add(time.Minute)
			_, small, err := f.st.CreateAccount(f.ctx, "small@example.com", "h", "Small")
			if err != nil {
				t.Fatal(err)
			}
			dom, err := f.st.CreateDomain(f.ctx, small.ID, store.Domain{Host: "small.example.com", Port: 443, Protocol: "tls"})
			if err != nil {
				t.Fatal(err)
			}
			na := f.clk.t.Add(3 * 24 * time.Hour)
			// Its default rule is lifetime-aware: a 90-day certificate 3 days from expiry is urgent.
			o := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: f.clk.t, LeafSHA256: "s", NotAfter: &na,
				Renewal: lifecycle.NewPlan(na.Add(-90*lifecycle.Day), na, na, lifecycle.Settings{}, nil)}
			if _, err := f.st.SaveResults(f.ctx, small.ID, store.ResultSet{BatchID: "small", Observations: []store.Observation{o}, Rejected: "[]"}); err != nil {
				t.Fatal(err)
			}
			// Two organizations: the small one's turn comes within two passes,
			// although the big one's five batches were due before.
			for pass := 1; ; pass++ {
				f.pass()
				open, _, err := f.st.ListAlerts(f.ctx, small.ID, store.AlertFilter{}, store.Page{Number: 1, PerPage: 10})
				if err != nil {
					t.Fatal(err)
				}
				if len(open) == 1 {
					break
				}
				if pass == 2 {
					t.Fatal("the small organization was not evaluated within two passes")
				}
			}
		})
	}
}

// Two replicas passing at once share the due domains: each is evaluated
// once, and each alert recorded once.
func TestConcurrentPassesShareTheWork(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			const n = 24
			for i := range n {
				f.observe(f.domain(fmt.Sprintf("h%02d.example.com", i)), fmt.Sprint(i), f.clk.t.Add(5*24*time.Hour), "")
			}
			var wg sync.WaitGroup
			stats := make([]alerts.PassStats, 2)
			errs := make([]error, 2)
			for i := range stats {
				ev := alerts.NewEvaluator(f.st, "https://certinel.example", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
				ev.Batch = 3
				wg.Add(1)
				go func() {
					defer wg.Done()
					stats[i], errs[i] = ev.Pass(f.ctx, "")
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := stats[0].Domains + stats[1].Domains; got != n {
				t.Fatalf("the two passes loaded %d domains in all (%+v), want each of the %d once", got, stats, n)
			}
			if got := len(f.alerts()); got != n {
				t.Fatalf("%d alerts, want %d", got, n)
			}
		})
	}
}

func TestDeletingAgentMakesOrganizationDue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.changeRule(func(r *store.AlertRule) { r.ScopeAll, r.ScopeAgentIDs = false, []string{f.agent.ID} })
			f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(5*24*time.Hour), "")
			want(t, "the agent's domain, 5 days left", f.evaluate(), map[string]int{"expiring": 1})
			if err := f.st.DeleteAgent(f.ctx, f.org.ID, f.agent.ID); err != nil {
				t.Fatal(err)
			}
			want(t, "its agent deleted", f.evaluate(), map[string]int{"resolved": 1})
		})
	}
}

func TestRetaggingDomainMakesItDue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.changeRule(func(r *store.AlertRule) { r.ScopeAll, r.ScopeTags = false, []string{"prod"} })
			dom, err := f.st.CreateDomain(f.ctx, f.org.ID, store.Domain{Host: "prod.example.com", Port: 443, Protocol: "tls", Tags: []string{"prod"}})
			if err != nil {
				t.Fatal(err)
			}
			f.observe(dom, "leaf", f.clk.t.Add(5*24*time.Hour), "")
			want(t, "tagged prod, 5 days left", f.evaluate(), map[string]int{"expiring": 1})
			dom.Tags = []string{"dev"}
			if _, err := f.st.UpdateDomain(f.ctx, f.org.ID, dom); err != nil {
				t.Fatal(err)
			}
			want(t, "retagged dev", f.evaluate(), map[string]int{"resolved": 1})
		})
	}
}
