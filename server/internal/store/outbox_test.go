package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestFinishDeliveryOnce: recording one send twice, as a retry after a
// broken connection whose COMMIT went through does, records it once; and a
// claim that passed to another worker is left to that worker.
func TestFinishDeliveryOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			org, alertID := oneNotification(t, s)
			claimed, err := s.ClaimOutbox(ctx, "w1", 10, time.Minute)
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim: %d rows, %v", len(claimed), err)
			}
			sent := store.Delivery{OK: true, Duration: time.Millisecond}
			for range 2 {
				if err := s.FinishDelivery(ctx, "w1", claimed, sent); err != nil {
					t.Fatal(err)
				}
			}
			// A worker whose lease ran out settles late, after another one
			// took the row again: the other worker's claim stands.
			if err := s.FinishDelivery(ctx, "w0", claimed, store.Delivery{Err: "late"}); err != nil {
				t.Fatal(err)
			}
			rows, attempts, err := s.Deliveries(ctx, org, []string{alertID})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("%d outbox rows", len(rows))
			}
			if r := rows[0]; r.Status != store.OutboxSent || r.Attempts != 1 || len(attempts[r.ID]) != 1 {
				t.Fatalf("after recording twice: status %s, %d attempts counted, %d recorded", r.Status, r.Attempts, len(attempts[r.ID]))
			}
		})
	}
}

// oneNotification records an alert with one outbox row and returns the
// organization and alert IDs.
func oneNotification(t *testing.T, s *store.Store) (string, string) {
	ctx := context.Background()
	_, org, err := s.CreateAccount(ctx, "o@example.com", "h", "O")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CreateChannel(ctx, org.ID, store.Channel{Name: "hook", Type: "webhook", Config: `{"url":"https://hooks.example.com/x"}`})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := s.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "r", Enabled: true, Thresholds: []int{7},
		Events: []string{"expiring"}, ChannelIDs: []string{ch.ID}, ScopeAll: true, UnreachableAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	a := store.Alert{ID: store.NewID(), OrganizationID: org.ID, RuleID: rule.ID, Type: "expiring", DedupKey: "k",
		State: store.AlertOpen, Payload: "{}", OpenedAt: s.Now()}
	ev := store.Evaluation{Fired: []store.Alert{a}, Notifications: []store.Notification{{OrganizationID: org.ID,
		ChannelIDs: []string{ch.ID}, Events: []store.NotifiedEvent{{AlertID: a.ID, Payload: a.Payload}}}}}
	if n, err := s.RecordEvaluation(ctx, ev); err != nil || n != 1 {
		t.Fatalf("record alert: %d %v", n, err)
	}
	return org.ID, a.ID
}
