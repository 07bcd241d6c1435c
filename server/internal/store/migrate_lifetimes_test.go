package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestMigrationMakesOldDefaultsLifetimeAware: an organization still on the
// old defaults (a 30-day expiring threshold, a rule at 30/14/7/1 days
// sending every event) gets the new ones; a rule someone changed keeps
// its settings.
func TestMigrationMakesOldDefaultsLifetimeAware(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := openAtVersion(t, d, 19)
			// Rows as a server at version 19 wrote them: the store's models
			// have columns later migrations add.
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			oldEvents := []string{"expiring", "expired", "changed", "unreachable", "invalid_chain",
				"hostname_mismatch", "weak_crypto", "renewal_overdue", "agent_offline", "resolved"}
			events, err := json.Marshal(oldEvents)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organizations (id, name, expiring_threshold_days, policy, created_at)
					VALUES ('o1', 'Old', 30, '{"renew_after_fraction":0.6666666666666666}', ?)`, []any{now}},
				{`INSERT INTO alert_rules (id, organization_id, name, thresholds, events, channel_ids, created_at, updated_at)
					VALUES ('default', 'o1', 'Default', '[30,14,7,1]', ?, '[]', ?, ?)`, []any{string(events), now, now}},
				{`INSERT INTO alert_rules (id, organization_id, name, thresholds, events, channel_ids, created_at, updated_at)
					VALUES ('mine', 'o1', 'Mine', '[10]', ?, '[]', ?, ?)`, []any{string(events), now, now}},
			} {
				if err := store.ExecRaw(ctx, s, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			org := store.Organization{ID: "o1"}
			def, custom := store.AlertRule{ID: "default"}, store.AlertRule{ID: "mine"}

			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetAlertRule(ctx, org.ID, def.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Thresholds) != 0 || !slices.Equal(got.Events, store.DefaultEvents) {
				t.Errorf("old default rule became %v %v, want no thresholds and %v", got.Thresholds, got.Events, store.DefaultEvents)
			}
			// Untouched but for the CA's renewal signal, which 00027 adds to
			// every rule watching overdue renewals, agent certificates,
			// which 00040 adds to every rule watching agents go offline, and
			// CRL health, which 00042 adds to every rule watching chains,
			// and failed uptake, which 00059 adds next to overdue renewals.
			wantMine := slices.Insert(slices.Clone(oldEvents), slices.Index(oldEvents, "renewal_overdue")+1, "renewal_window_moved_earlier")
			wantMine = slices.Insert(wantMine, slices.Index(wantMine, "agent_offline")+1, "agent_certificate")
			wantMine = slices.Insert(wantMine, slices.Index(wantMine, "invalid_chain")+1, "crl_health")
			wantMine = slices.Insert(wantMine, slices.Index(wantMine, "renewal_overdue")+1, "stale_backend")
			if mine, _ := s.GetAlertRule(ctx, org.ID, custom.ID); !slices.Equal(mine.Thresholds, []int{10}) || !slices.Equal(mine.Events, wantMine) {
				t.Errorf("a changed rule was migrated: %v %v", mine.Thresholds, mine.Events)
			}
			o, err := s.Organization(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.ExpiringThresholdDays != 0 || o.Policy != `{"renew_after_fraction":0}` {
				t.Errorf("organization after migration: floor %d, policy %s; want 0 and the fraction by lifetime", o.ExpiringThresholdDays, o.Policy)
			}
		})
	}
}
