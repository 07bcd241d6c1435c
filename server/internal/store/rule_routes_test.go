package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRuleRoutes: routes are stored and read back whole, the channel list
// follows them, and a rule given channel IDs only routes every event to each.
func TestRuleRoutes(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			_, org, err := s.CreateAccount(ctx, "o@example.com", "h", "O")
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, name := range []string{"pager", "chat"} {
				ch, err := s.CreateChannel(ctx, org.ID, store.Channel{Name: name, Type: "webhook", Config: `{"url":"https://hooks.example.com/x"}`})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, ch.ID)
			}
			routes := []store.Route{
				{ChannelID: ids[0], MinSeverity: "critical", Tags: []string{"prod", "payments"}},
				{ChannelID: ids[1], MinSeverity: "info", Tags: []string{}},
			}
			r, err := s.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "routed", Enabled: true, Events: []string{"expiring"}, Routes: routes, ScopeAll: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.GetAlertRule(ctx, org.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Routes, routes) || !reflect.DeepEqual(got.ChannelIDs, ids) {
				t.Errorf("read back routes %+v, channels %v", got.Routes, got.ChannelIDs)
			}

			got.Routes = routes[1:]
			if got, err = s.UpdateAlertRule(ctx, org.ID, got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Routes, routes[1:]) || !reflect.DeepEqual(got.ChannelIDs, ids[1:]) {
				t.Errorf("after update: routes %+v, channels %v", got.Routes, got.ChannelIDs)
			}

			plain, err := s.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "plain", Enabled: true, ChannelIDs: ids, ScopeAll: true})
			if err != nil {
				t.Fatal(err)
			}
			want := []store.Route{{ChannelID: ids[0], MinSeverity: "info", Tags: []string{}}, {ChannelID: ids[1], MinSeverity: "info", Tags: []string{}}}
			if plain, _ = s.GetAlertRule(ctx, org.ID, plain.ID); !reflect.DeepEqual(plain.Routes, want) {
				t.Errorf("channel IDs only: routes %+v, want %+v", plain.Routes, want)
			}

			// Another organization's channel is refused in a route too.
			_, other, err := s.CreateAccount(ctx, "p@example.com", "h", "P")
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.CreateAlertRule(ctx, other.ID, store.AlertRule{Name: "theft", Routes: routes[:1], ScopeAll: true})
			if err == nil {
				t.Error("a route to another organization's channel was stored")
			}
		})
	}
}

// TestMigrationBackfillsRoutes: each channel a rule named before routes
// existed gets every event, in the order the rule listed them.
func TestMigrationBackfillsRoutes(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := openAtVersion(t, d, 57)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Old', ?)`, []any{now}},
				{`INSERT INTO alert_rules (id, organization_id, name, thresholds, events, channel_ids, created_at, updated_at)
					VALUES ('two', 'o1', 'Two', '[7]', '["expiring"]', '["ch_b","ch_a"]', ?, ?)`, []any{now, now}},
				{`INSERT INTO alert_rules (id, organization_id, name, thresholds, events, channel_ids, created_at, updated_at)
					VALUES ('none', 'o1', 'None', '[7]', '["expiring"]', '[]', ?, ?)`, []any{now, now}},
			} {
				if err := store.ExecRaw(ctx, s, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			two, err := s.GetAlertRule(ctx, "o1", "two")
			if err != nil {
				t.Fatal(err)
			}
			want := []store.Route{{ChannelID: "ch_b", MinSeverity: "info", Tags: []string{}}, {ChannelID: "ch_a", MinSeverity: "info", Tags: []string{}}}
			if !reflect.DeepEqual(two.Routes, want) {
				t.Errorf("routes %+v, want %+v", two.Routes, want)
			}
			if none, _ := s.GetAlertRule(ctx, "o1", "none"); none.Routes == nil || len(none.Routes) != 0 {
				t.Errorf("a rule without channels got routes %#v, want []", none.Routes)
			}
		})
	}
}
