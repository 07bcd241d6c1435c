package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRepeatUpdatesStateInPlace: on PostgreSQL, a check that changes
// nothing updates its domain's state as a heap-only tuple, which writes no
// index entry, and the last-check sort still sees the new check time.
func TestRepeatUpdatesStateInPlace(t *testing.T) {
	for _, d := range storetest.Dialects {
		if d != store.Postgres {
			continue
		}
		t.Run(string(d), func(t *testing.T) {
			f := newHistoryFixture(t, d)
			ctx := context.Background()
			t0 := f.clk.t
			held := f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0}, "key-1")
			later := t0.Add(2 * time.Hour)
			f.clk.t = later
			updated, hot, err := store.StateUpdates(ctx, f.s, func() error {
				_, err := f.repeat(store.Repeat{DomainID: f.domain, ObservationID: held.ObservationID, ChainKey: "key-1",
					ObservedAt: later, Address: "192.0.2.1:443", DurationMS: 5})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if updated != 1 || hot != 1 {
				t.Errorf("the repeat updated %d state rows, %d of them in place; want 1 and 1", updated, hot)
			}
			items, _, err := f.s.ListDomains(ctx, f.org, store.DomainFilter{Sort: "last_checked_at", Desc: true}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 || items[0].ID != f.domain || items[0].CheckedAt == nil || !items[0].CheckedAt.Equal(later) {
				t.Errorf("first by last check: %+v", items)
			}
		})
	}
}
