package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestUpgradeMovesLastCheckToStates: a domain checked by a server at
// version 30 keeps its place in the last-check sort after the upgrade
// (migration 00033), and its next unchanged check folds into the sample it
// had (00034 copies the sample's key into its state) instead of starting
// a new one.
func TestUpgradeMovesLastCheckToStates(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := openAtVersion(t, d, 30)
			t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			notAfter := t0.AddDate(0, 2, 0)
			obs := store.Observation{DomainID: new("d1"), ObservedAt: t0, ErrorKind: "refused", Error: "connection refused"}
			key := store.SampleKeyOf(obs)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'O', ?)", []any{t0}},
				{"INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at, state_kind, state_checked_at) VALUES ('d1', 'o1', 'old.example', 443, 'tls', ?, ?, 'unreachable', ?)", []any{t0, t0, t0}},
				{"INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at) VALUES ('d2', 'o1', 'new.example', 443, 'tls', ?, ?)", []any{t0, t0}},
				{`INSERT INTO observations (id, organization_id, domain_id, observed_at, received_at, last_observed_at, checks, sample_key, error, error_kind)
					VALUES ('s1', 'o1', 'd1', ?, ?, ?, 1, ?, 'connection refused', 'refused')`, []any{t0, t0, t0, key}},
				{`INSERT INTO domain_states (domain_id, observation_id, checked_at, error, error_kind, not_after)
					VALUES ('d1', 's1', ?, 'connection refused', 'refused', ?)`, []any{t0, notAfter}},
			} {
				if err := store.ExecRaw(ctx, s, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			list, _, err := s.ListDomains(ctx, "o1", store.DomainFilter{Sort: "last_checked_at", Desc: true}, store.Page{Number: 1, PerPage: 10})
			if err != nil || len(list) != 2 || list[0].ID != "d1" || list[1].ID != "d2" {
				t.Fatalf("last-check sort after the upgrade: %v %+v", err, list)
			}

			obs.ObservedAt = t0.Add(time.Hour)
			if _, err := s.SaveResults(ctx, "o1", store.ResultSet{BatchID: "b", Observations: []store.Observation{obs}, Rejected: "[]"}); err != nil {
				t.Fatal(err)
			}
			if n, err := store.CountRows(ctx, s, "observations"); err != nil || n != 1 {
				t.Errorf("%d samples after an unchanged check (%v), want the one from before the upgrade", n, err)
			}
			state, err := s.DomainStateOf(ctx, "o1", "d1")
			if err != nil || state.ObservationID != "s1" || !state.CheckedAt.Equal(obs.ObservedAt) {
				t.Errorf("state after the check: %v %+v", err, state)
			}
		})
	}
}
