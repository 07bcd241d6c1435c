package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestDomainBackendsKeptAndDropped: a batch's backend checks move their
// rows in place (never back to an older check), rows of the batch's
// domains not seen since the batch's cut-off go, and another
// organization reads none of them.
func TestDomainBackendsKeptAndDropped(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		nb := t0.Add(-time.Hour)
		save := func(since time.Time, rows ...store.DomainBackend) {
			t.Helper()
			f.n++
			rs := store.ResultSet{BatchID: fmt.Sprintf("batch-%d", f.n), AgentID: f.agent, Rejected: "[]", BackendOnly: len(rows),
				Backends: store.BackendBatch{Rows: rows, DomainIDs: []string{f.domain}, Since: since}}
			batch, err := f.s.SaveResults(ctx, f.org, rs)
			if err != nil || batch.Accepted != len(rows) {
				t.Fatalf("save: %+v %v", batch, err)
			}
		}
		list := func() map[string]store.DomainBackend {
			t.Helper()
			got, err := f.s.DomainBackends(ctx, f.org, []string{f.domain}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]store.DomainBackend{}
			for _, b := range got[f.domain] {
				out[b.Address] = b
			}
			return out
		}
		a := store.DomainBackend{DomainID: f.domain, Address: "192.0.2.1", LeafSHA256: "aa", NotBefore: &nb, ObservedAt: t0}
		b := store.DomainBackend{DomainID: f.domain, Address: "2001:db8::1", ErrorKind: "refused", Error: "refused: connection refused", ObservedAt: t0}
		save(t0.Add(-time.Hour), a, b)
		if got := list(); len(got) != 2 || got["192.0.2.1"].LeafSHA256 != "aa" || got["2001:db8::1"].ErrorKind != "refused" {
			t.Fatalf("after first batch: %+v", got)
		}
		if got := list()["192.0.2.1"]; got.NotBefore == nil || !got.NotBefore.Equal(nb) || got.NotAfter != nil || !got.ObservedAt.Equal(t0) {
			t.Fatalf("validity and check time not kept as sent (a missing time stays NULL): %+v", got)
		}

		// A late batch with an older check of a changes nothing.
		old := a
		old.LeafSHA256, old.ObservedAt = "00", t0.Add(-time.Minute)
		save(t0.Add(-time.Hour), old)
		if got := list(); got["192.0.2.1"].LeafSHA256 != "aa" {
			t.Errorf("older check moved the row back: %+v", got["192.0.2.1"])
		}

		// Hours later only a is seen: b's address left the name.
		a.ObservedAt, a.LeafSHA256 = t0.Add(5*time.Hour), "bb"
		save(t0.Add(4*time.Hour), a)
		got := list()
		if len(got) != 1 || got["192.0.2.1"].LeafSHA256 != "bb" {
			t.Errorf("after b went unseen: %+v", got)
		}

		other, err := f.s.DomainBackends(ctx, "another-org", []string{f.domain}, time.Time{})
		if err != nil || len(other) != 0 {
			t.Errorf("another organization reads %+v (%v)", other, err)
		}
	})
}
