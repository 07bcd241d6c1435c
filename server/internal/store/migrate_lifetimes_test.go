package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

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
			if err := store.MigrateTo(ctx, s, 19); err != nil {
				t.Fatal(err)
			}
			_, org, err := s.CreateAccount(ctx, "old@example.com", "h", "Old")
			if err != nil {
				t.Fatal(err)
			}
			oldEvents := []string{"expiring", "expired", "changed", "unreachable", "invalid_chain",
				"hostname_mismatch", "weak_crypto", "renewal_overdue", "agent_offline", "resolved"}
			rules, err := s.ListAlertRules(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			def := rules[0]
			def.Thresholds, def.Events = []int{30, 14, 7, 1}, oldEvents
			if _, err := s.UpdateAlertRule(ctx, org.ID, def); err != nil {
				t.Fatal(err)
			}
			custom, err := s.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "Mine", Enabled: true, Thresholds: []int{10}, Events: oldEvents, ScopeAll: true})
			if err != nil {
				t.Fatal(err)
			}
			org.ExpiringThresholdDays, org.Policy = 30, `{"renew_after_fraction":0.6666666666666666}`
			if _, err := s.UpdateOrganization(ctx, org); err != nil {
				t.Fatal(err)
			}

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
			// every rule watching overdue renewals.
			wantMine := slices.Insert(slices.Clone(oldEvents), slices.Index(oldEvents, "renewal_overdue")+1, "renewal_window_moved_earlier")
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
