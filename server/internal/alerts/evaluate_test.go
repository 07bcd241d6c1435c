package alerts_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	t     *testing.T
	ctx   context.Context
	clk   *clock
	st    *store.Store
	ev    *alerts.Evaluator
	org   store.Organization
	agent store.Agent
	seq   int
}

func newFixture(t *testing.T, d store.Dialect) *fixture {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	return newFixtureOn(t, storetest.Open(t, d, store.Options{Now: clk.now}), clk, "owner@example.com")
}

// newFixtureOn makes the fixture of a new organization of owner on st.
func newFixtureOn(t *testing.T, st *store.Store, clk *clock, owner string) *fixture {
	ctx := context.Background()
	_, org, err := st.CreateAccount(ctx, owner, "h", "Example")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "agent-" + org.ID})
	if err != nil {
		t.Fatal(err)
	}
	ev := alerts.NewEvaluator(st, "https://certinel.example", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	f := &fixture{t: t, ctx: ctx, clk: clk, st: st, ev: ev, org: org, agent: agent}
	// These tests are of a rule with fixed thresholds that sends every
	// event; the lifetime-aware default has tests of its own.
	f.changeRule(func(r *store.AlertRule) {
		r.Thresholds, r.Events = []int{30, 14, 7, 1}, lifecycle.Names(lifecycle.RuleEvents...)
	})
	return f
}

func (f *fixture) domain(host string) store.Domain {
	d, err := f.st.CreateDomain(f.ctx, f.org.ID, store.Domain{Host: host, Port: 443, Protocol: "tls", AgentID: &f.agent.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// observe stores one check of the domain: a leaf valid until notAfter, or an error.
func (f *fixture) observe(d store.Domain, leaf string, notAfter time.Time, errText string) {
	f.t.Helper()
	f.seq++
	o := store.Observation{ID: store.NewID(), DomainID: &d.ID, AgentID: &f.agent.ID, ObservedAt: f.clk.t}
	if errText != "" {
		o.Error, o.ErrorKind = errText, "refused"
	} else {
		o.LeafSHA256, o.NotAfter, o.VerdictStatus, o.TrustStatus = leaf, &notAfter, "ok", "trusted"
	}
	rs := store.ResultSet{BatchID: f.clk.t.String() + leaf + errText + d.ID, AgentID: f.agent.ID, Observations: []store.Observation{o}, Rejected: "[]"}
	if _, err := f.st.SaveResults(f.ctx, f.org.ID, rs); err != nil {
		f.t.Fatal(err)
	}
}

// evaluate runs a pass and returns the alerts it recorded, by type.
func (f *fixture) evaluate() map[string]int {
	f.t.Helper()
	return f.fired(func() {
		if err := f.ev.RunOrg(f.ctx, f.org.ID); err != nil {
			f.t.Fatal(err)
		}
	})
}

// fired runs fn and returns the alerts recorded meanwhile, by type.
func (f *fixture) fired(fn func()) map[string]int {
	f.t.Helper()
	before := f.alerts()
	fn()
	got := map[string]int{}
	for id, a := range f.alerts() {
		if _, ok := before[id]; !ok {
			got[a.Type]++
		}
	}
	return got
}

// changeRule changes the organization's default rule.
func (f *fixture) changeRule(change func(*store.AlertRule)) {
	f.t.Helper()
	rules, err := f.st.ListAlertRules(f.ctx, f.org.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	r := rules[0]
	change(&r)
	if _, err := f.st.UpdateAlertRule(f.ctx, f.org.ID, r); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) alerts() map[string]store.Alert {
	list, _, err := f.st.ListAlerts(f.ctx, f.org.ID, store.AlertFilter{}, store.Page{Number: 1, PerPage: 200})
	if err != nil {
		f.t.Fatal(err)
	}
	m := map[string]store.Alert{}
	for _, a := range list {
		m[a.ID] = a
	}
	return m
}

func want(t *testing.T, step string, got map[string]int, exp map[string]int) {
	t.Helper()
	if len(got) != len(exp) {
		t.Fatalf("%s: fired %v, want %v", step, got, exp)
	}
	for k, v := range exp {
		if got[k] != v {
			t.Fatalf("%s: fired %v, want %v", step, got, exp)
		}
	}
}

func TestThresholdsFireOnceAndResolveOnRenewal(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			dom := f.domain("www.example.com")
			expiry := f.clk.t.Add(25*24*time.Hour + time.Hour)
			f.observe(dom, "leaf1", expiry, "")
			want(t, "25 days left", f.evaluate(), map[string]int{"expiring": 1})
			want(t, "same state again", f.evaluate(), nil)
			f.clk.t = f.clk.t.Add(12 * 24 * time.Hour) // 13 days left
			f.observe(dom, "leaf1", expiry, "")
			want(t, "13 days left", f.evaluate(), map[string]int{"expiring": 1})
			want(t, "13 days left again", f.evaluate(), nil)
			f.clk.t = f.clk.t.Add(7 * 24 * time.Hour) // 6 days left
			f.observe(dom, "leaf1", expiry, "")
			want(t, "6 days left", f.evaluate(), map[string]int{"expiring": 1})
			// Renewed: the three open alerts resolve with one notice.
			f.observe(dom, "leaf2", f.clk.t.Add(90*24*time.Hour), "")
			want(t, "renewed", f.evaluate(), map[string]int{"changed": 1, "resolved": 1})
			want(t, "renewed again", f.evaluate(), nil)
			open := 0
			for _, a := range f.alerts() {
				if a.State == store.AlertOpen {
					open++
				}
			}
			if open != 0 {
				t.Fatalf("%d alerts still open after renewal", open)
			}
			var resolved struct {
				Resolves string `json:"resolves"`
			}
			for _, a := range f.alerts() {
				if a.Type == "resolved" {
					_ = json.Unmarshal([]byte(a.Payload), &resolved)
				}
			}
			if resolved.Resolves != "expiring" {
				t.Errorf("resolved notice says %q", resolved.Resolves)
			}
		})
	}
}

func TestFirstSeenLateFiresLowestThresholdOnly(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dom := f.domain("late.example.com")
	f.observe(dom, "leaf", f.clk.t.Add(5*24*time.Hour), "")
	want(t, "5 days left", f.evaluate(), map[string]int{"expiring": 1})
	var ev struct {
		Threshold int    `json:"threshold_days"`
		Detail    string `json:"detail"`
	}
	for _, a := range f.alerts() {
		_ = json.Unmarshal([]byte(a.Payload), &ev)
	}
	if ev.Threshold != 7 {
		t.Fatalf("threshold %d, want 7", ev.Threshold)
	}
	// Said from the days left, not only the threshold crossed.
	if want := "The certificate expires in 5 days (alert threshold: 7 days)."; ev.Detail != want {
		t.Fatalf("detail %q, want %q", ev.Detail, want)
	}
	f.clk.t = f.clk.t.Add(6 * 24 * time.Hour)
	f.observe(dom, "leaf", f.clk.t.Add(-24*time.Hour), "")
	want(t, "expired", f.evaluate(), map[string]int{"expired": 1})
}

func TestUnreachableNeedsConsecutiveFailures(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			dom := f.domain("flaky.example.com")
			f.observe(dom, "leaf", f.clk.t.Add(200*24*time.Hour), "")
			f.clk.t = f.clk.t.Add(time.Hour)
			f.observe(dom, "", time.Time{}, "connection refused")
			want(t, "one lost packet", f.evaluate(), nil)
			f.clk.t = f.clk.t.Add(time.Hour)
			f.observe(dom, "", time.Time{}, "connection refused")
			want(t, "second failure", f.evaluate(), map[string]int{"unreachable": 1})
			f.clk.t = f.clk.t.Add(time.Hour)
			f.observe(dom, "", time.Time{}, "connection refused")
			want(t, "third failure", f.evaluate(), nil)
			f.clk.t = f.clk.t.Add(time.Hour)
			f.observe(dom, "leaf", f.clk.t.Add(200*24*time.Hour), "")
			want(t, "back", f.evaluate(), map[string]int{"resolved": 1})
		})
	}
}

// TestRepeatedFailuresWaitForTheRulesCount: a failure that repeats the
// held one is evaluated only when its count of failures in a row reaches
// one a rule waits for; the ones in between, and those after the event
// opened, cost no evaluation. A rule changed to wait for a later count is
// heard at that count.
func TestRepeatedFailuresWaitForTheRulesCount(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.changeRule(func(r *store.AlertRule) { r.UnreachableAfter = 3 })
			dom := f.domain("down.example.com")
			step := func(name string, domains int, fired map[string]int) {
				t.Helper()
				f.clk.t = f.clk.t.Add(time.Hour)
				f.observe(dom, "", time.Time{}, "connection refused")
				var stats alerts.PassStats
				got := f.fired(func() {
					var err error
					if stats, err = f.ev.Pass(f.ctx, f.org.ID); err != nil {
						t.Fatal(err)
					}
				})
				want(t, name, got, fired)
				if stats.Domains != domains {
					t.Fatalf("%s: %d domains evaluated, want %d", name, stats.Domains, domains)
				}
			}
			step("first failure", 1, nil)
			step("second failure", 0, nil)
			// A rule change makes every domain due; its evaluation sets
			// the count the new rule waits for.
			f.changeRule(func(r *store.AlertRule) { r.UnreachableAfter = 4 })
			if _, err := f.ev.Pass(f.ctx, f.org.ID); err != nil {
				t.Fatal(err)
			}
			step("third failure, the old rule's count", 0, nil)
			step("fourth failure", 1, map[string]int{"unreachable": 1})
			step("fifth failure", 0, nil)
			step("sixth failure", 0, nil)
		})
	}
}

func TestAgentOffline(t *testing.T) {
	f := newFixture(t, store.SQLite)
	if err := f.st.TouchAgent(f.ctx, f.org.ID, f.agent.ID, "1.0", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	want(t, "just seen", f.evaluate(), nil)
	f.clk.t = f.clk.t.Add(7 * time.Hour)
	want(t, "one interval late", f.evaluate(), nil)
	f.clk.t = f.clk.t.Add(2 * time.Hour) // 9 h > twice 4 h
	want(t, "twice its interval", f.evaluate(), map[string]int{"agent_offline": 1})
	want(t, "still offline", f.evaluate(), nil)
	if err := f.st.TouchAgent(f.ctx, f.org.ID, f.agent.ID, "1.0", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	want(t, "back", f.evaluate(), map[string]int{"resolved": 1})
}

func TestScopeByTag(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.changeRule(func(r *store.AlertRule) { r.ScopeAll, r.ScopeTags = false, []string{"prod"} })
	dev := f.domain("dev.example.com")
	prod, err := f.st.CreateDomain(f.ctx, f.org.ID, store.Domain{Host: "prod.example.com", Port: 443, Protocol: "tls", Tags: []string{"prod"}})
	if err != nil {
		t.Fatal(err)
	}
	f.observe(dev, "a", f.clk.t.Add(3*24*time.Hour), "")
	f.observe(prod, "b", f.clk.t.Add(3*24*time.Hour), "")
	got := f.evaluate()
	want(t, "tag scope", got, map[string]int{"expiring": 1})
	for _, a := range f.alerts() {
		if *a.DomainID != prod.ID {
			t.Fatalf("alert for out-of-scope domain %s", *a.DomainID)
		}
	}
}
