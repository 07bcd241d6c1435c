package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

const day = 24 * time.Hour

// TestPrune: records older than their window go, a bounded number per
// call; samples a domain or a discovered endpoint still shows stay however
// old, and so do samples seen again recently.
func TestPrune(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		now := f.clk.t
		saveAt := func(ago time.Duration, c check) {
			f.clk.t = now.Add(-ago)
			c.at, c.tls = f.clk.t, "TLS 1.3"
			f.save(t, c)
		}
		replaced, current, recent, extended := f.domain, f.addDomain(t, "b.example"), f.addDomain(t, "c.example"), f.addDomain(t, "d.example")
		// Pruned: a sample replaced 50 days ago; and one 40 days ago.
		saveAt(60*day, check{domain: replaced, leaf: "a1"})
		saveAt(50*day, check{domain: replaced, leaf: "a2"})
		saveAt(45*day, check{domain: current, leaf: "b1"})
		saveAt(40*day, check{domain: current, leaf: "b2"})
		// Kept: replaced 5 days ago, and first seen long ago but seen
		// again 10 days ago.
		saveAt(20*day, check{domain: recent, leaf: "c1"})
		saveAt(5*day, check{domain: recent, leaf: "c2"})
		saveAt(60*day, check{domain: extended, leaf: "d1"})
		saveAt(10*day, check{domain: extended, leaf: "d1"})
		saveAt(5*day, check{domain: extended, leaf: "d2"})
		f.clk.t = now.Add(-60 * day)
		f.saveDiscovered(t, "e1")

		f.clk.t = now.Add(-400 * day)
		if err := f.s.Audit(ctx, f.org, "test.old", "test", "1", nil); err != nil {
			t.Fatal(err)
		}
		f.clk.t = now.Add(-300 * day)
		if err := f.s.Audit(ctx, f.org, "test.kept", "test", "2", nil); err != nil {
			t.Fatal(err)
		}
		f.clk.t = now.Add(-100 * day)
		_, _ = oneNotification(t, f.s)
		for _, ago := range []time.Duration{100 * day, 10 * day} {
			f.clk.t = now.Add(-ago)
			claimed, err := f.s.ClaimOutbox(ctx, "w", 10, time.Minute)
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim: %d rows, %v", len(claimed), err)
			}
			if err := f.s.FinishDelivery(ctx, "w", claimed, store.Delivery{Err: "down", Retry: f.clk.t.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		f.clk.t = now

		tables := []string{"observations", "observation_certificates", "audit_log", "delivery_attempts", "result_batches"}
		before := make(map[string]int64)
		for _, tb := range tables {
			before[tb] = f.count(t, tb)
		}
		r := store.Retention{Samples: 30 * day, Audit: 365 * day, Deliveries: 90 * day, ResultBatches: 31 * day}
		first, err := f.s.Prune(ctx, r, 1)
		if err != nil {
			t.Fatal(err)
		}
		if first != (store.Pruned{Samples: 1, Audit: 1, Deliveries: 1, ResultBatches: 1}) {
			t.Errorf("first pass, one row of each kind at most: %+v", first)
		}
		second, err := f.s.Prune(ctx, r, 1000)
		if err != nil {
			t.Fatal(err)
		}
		// Batch markers older than 31 days: the five saves 40-60 days
		// ago, and the discovery one.
		if second != (store.Pruned{Samples: 1, ResultBatches: 5}) {
			t.Errorf("second pass: %+v", second)
		}
		want := map[string]int64{"observations": -2, "observation_certificates": -4, "audit_log": -1, "delivery_attempts": -1, "result_batches": -6}
		for _, tb := range tables {
			if got := f.count(t, tb) - before[tb]; got != want[tb] {
				t.Errorf("%s: %d rows deleted, want %d", tb, -got, -want[tb])
			}
		}
		// The old current sample of the replaced domain still answers.
		history, err := f.s.DomainHistory(ctx, f.org, replaced)
		if err != nil || len(history) != 1 || history[0].Subject != "CN=a2" {
			t.Errorf("history after pruning: %v %+v", err, history)
		}
	})
}

// saveDiscovered stores a discovery result, which has no domain, and the
// endpoint it found, which points at it.
func (f *historyFixture) saveDiscovered(t *testing.T, leaf string) {
	t.Helper()
	sha := f.cert(leaf)
	o := store.Observation{ID: store.NewID(), AgentID: &f.agent, ObservedAt: f.clk.t, LeafSHA256: sha, Chain: []string{sha}}
	found := store.DiscoveredEndpoint{AgentID: f.agent, Address: "192.0.2.9", Port: 443, Protocol: "tls",
		ObservationID: o.ID, LeafSHA256: sha, SuggestedNames: []string{}, LastSeenAt: f.clk.t}
	rs := store.ResultSet{BatchID: "discovery-" + leaf, AgentID: f.agent, Observations: []store.Observation{o},
		Certificates: []store.Certificate{f.certs[sha]}, Discovered: []store.DiscoveredEndpoint{found}, Rejected: "[]"}
	if _, err := f.s.SaveResults(context.Background(), f.org, rs); err != nil {
		t.Fatal(err)
	}
}
