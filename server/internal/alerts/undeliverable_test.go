package alerts_test

import (
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestUndeliverableChannelIsRecordedFailed: an organization on its default
// email channel, on a server with no SMTP relay, sees its event as not
// delivered with the reason, and the outbox has nothing to claim for it.
func TestUndeliverableChannelIsRecordedFailed(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			reg, err := notify.NewRegistry(email.New(email.Config{}))
			if err != nil {
				t.Fatal(err)
			}
			f.ev.Channels = reg
			f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(20*24*time.Hour), "")
			want(t, "20 days left", f.evaluate(), map[string]int{"expiring": 1})
			var ids []string
			for id := range f.alerts() {
				ids = append(ids, id)
			}
			rows, attempts, err := f.st.Deliveries(f.ctx, f.org.ID, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("%d deliveries, want 1", len(rows))
			}
			r := rows[0]
			if r.Status != store.OutboxFailed || r.LastError != email.NoRelay || r.Attempts != 1 || len(attempts[r.ID]) != 1 {
				t.Fatalf("delivery: status %q, error %q, %d attempts counted, %d recorded; want failed with the missing relay, once",
					r.Status, r.LastError, r.Attempts, len(attempts[r.ID]))
			}
			claimed, err := f.st.ClaimOutbox(f.ctx, "w", 10, time.Minute)
			if err != nil || len(claimed) != 0 {
				t.Fatalf("the outbox claimed %d rows (%v), want none", len(claimed), err)
			}
		})
	}
}
