package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestRepeatsOfOneDomainInABatch: each backend of a load-balanced name
// repeats its domain's state in one batch. The batch is stored, every
// check counts as accepted, and the state moves to the latest of them.
func TestRepeatsOfOneDomainInABatch(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		held := f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0}, "key-1")
		f.clk.t = t0.Add(2 * time.Hour)
		repeat := func(addr string, after time.Duration) store.Repeat {
			return store.Repeat{DomainID: f.domain, ObservationID: held.ObservationID, ChainKey: "key-1",
				ObservedAt: t0.Add(after), Address: addr, DurationMS: 5}
		}
		f.n++
		rs := store.ResultSet{BatchID: "backends", AgentID: f.agent, Rejected: "[]", Repeats: []store.Repeat{
			repeat("192.0.2.1:443", 2*time.Hour), repeat("192.0.2.3:443", 2*time.Hour+2*time.Second), repeat("192.0.2.2:443", 2*time.Hour+time.Second)}}
		batch, err := f.s.SaveResults(ctx, f.org, rs)
		if err != nil || batch.Accepted != 3 {
			t.Fatalf("repeats of one domain: %v, %+v", err, batch)
		}
		state, err := f.s.DomainStateOf(ctx, f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add(2*time.Hour + 2*time.Second); !state.CheckedAt.Equal(want) || state.ObservationID != held.ObservationID {
			t.Errorf("state checked at %v (sample %s), want %v (sample %s)", state.CheckedAt, state.ObservationID, want, held.ObservationID)
		}
		cur, err := f.s.GetObservation(ctx, f.org, held.ObservationID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Address != "192.0.2.3:443" || cur.Checks != 2 {
			t.Errorf("current sample at %s with %d checks, want the latest backend's address and one more check", cur.Address, cur.Checks)
		}
	})
}
