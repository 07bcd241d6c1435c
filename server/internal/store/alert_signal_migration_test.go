package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// Before 00024 each rule recorded its own event of one problem, keyed with
// the rule's ID. The upgrade keeps one open event per problem, with keys
// the evaluator now makes, so that nothing fires again or twice.
func TestUpgradeMergesEventsOfSeveralRules(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := openAtVersion(t, d, 19)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'O', ?)", []any{now}},
				{"INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at) VALUES ('d1', 'o1', 'h', 443, 'tls', ?, ?)", []any{now, now}},
				{"INSERT INTO channels (id, organization_id, name, type, config, created_at, updated_at) VALUES ('c1', 'o1', 'c', 'webhook', '{}', ?, ?)", []any{now, now}},
			} {
				if err := store.ExecRaw(ctx, s, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			for _, rule := range []string{"ra", "rb"} {
				if err := store.ExecRaw(ctx, s, `INSERT INTO alert_rules (id, organization_id, name, thresholds, events, channel_ids, created_at, updated_at)
					VALUES (?, 'o1', ?, '[7]', '["expiring","changed"]', '["c1"]', ?, ?)`, rule, rule, now, now); err != nil {
					t.Fatal(err)
				}
			}
			alerts := []struct{ id, rule, key, state string }{
				{"a1", "ra", "ra|expiring|d1|sha|7", store.AlertOpen},
				{"a2", "rb", "rb|expiring|d1|sha|7", store.AlertOpen},
				{"a3", "ra", "ra|changed|ch1", store.AlertInfo},
				{"a4", "rb", "rb|changed|ch1", store.AlertInfo},
			}
			for _, a := range alerts {
				if err := store.ExecRaw(ctx, s, `INSERT INTO alerts (id, organization_id, rule_id, domain_id, type, dedup_key, state, payload, opened_at)
					VALUES (?, 'o1', ?, 'd1', 'expiring', ?, ?, '{}', ?)`, a.id, a.rule, a.key, a.state, now); err != nil {
					t.Fatal(err)
				}
			}
			if err := store.ExecRaw(ctx, s, `INSERT INTO outbox (id, organization_id, alert_id, channel_id, kind, payload, status, next_attempt_at, created_at)
				VALUES ('x1', 'o1', 'a1', 'c1', 'expiring', '{}', 'sent', ?, ?)`, now, now); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := map[string]struct{ key, state string }{
				"a1": {"expiring|d1|sha|7", store.AlertOpen},
				"a2": {"rb|expiring|d1|sha|7", store.AlertResolved},
				"a3": {"changed|ch1", store.AlertInfo},
				"a4": {"rb|changed|ch1", store.AlertInfo},
			}
			for id, w := range want {
				a, err := s.GetAlert(ctx, "o1", id)
				if err != nil {
					t.Fatal(err)
				}
				if a.DedupKey != w.key || a.State != w.state || len(a.RuleIDs) != 1 || a.RuleIDs[0] != a.RuleID || a.NotifiedAt == nil {
					t.Errorf("%s after the upgrade: key %q state %s rules %v notified %v; want key %q state %s", id, a.DedupKey, a.State, a.RuleIDs, a.NotifiedAt, w.key, w.state)
				}
			}
			rows, _, err := s.Deliveries(ctx, "o1", []string{"a1"})
			if err != nil || len(rows) != 1 {
				t.Fatalf("deliveries of a1 after the upgrade: %d %v", len(rows), err)
			}
		})
	}
}

// openAtVersion opens an empty database of the dialect migrated only up to
// version: the database an older server left, for upgrade tests.
func openAtVersion(t *testing.T, d store.Dialect, version int64) *store.Store {
	t.Helper()
	storetest.SkipUnlessSelected(t, d)
	var s *store.Store
	var err error
	if d == store.SQLite {
		s, err = store.OpenSQLite(filepath.Join(t.TempDir(), "old.db"), store.Options{})
	} else {
		s, err = store.OpenPostgres(storetest.PostgresSchemaURL(t), store.Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s = s.WithKeys(storetest.Keys(t))
	if err := store.MigrateTo(context.Background(), s, version); err != nil {
		t.Fatal(err)
	}
	return s
}
