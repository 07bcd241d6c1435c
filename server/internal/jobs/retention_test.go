package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"certinel.dev/server/internal/jobs"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestRetentionJob: the job prunes with the windows it was given.
func TestRetentionJob(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			clock := now.AddDate(-2, 0, 0)
			st := storetest.Open(t, d, store.Options{Now: func() time.Time { return clock }})
			_, org, err := st.CreateAccount(ctx, "r@example.com", "h", "R")
			if err != nil {
				t.Fatal(err)
			}
			clock = now
			if err := st.Audit(ctx, org.ID, "test.kept", "test", "1", nil); err != nil {
				t.Fatal(err)
			}
			if _, total, err := st.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 10}); err != nil || total < 2 {
				t.Fatalf("audit log before the job: %v, %d entries", err, total)
			}
			const year = 365 * 24 * time.Hour
			run := jobs.Retention(st, store.Retention{Samples: year, Audit: year, Deliveries: year, ResultBatches: year}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err := run(ctx); err != nil {
				t.Fatal(err)
			}
			entries, total, err := st.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 10})
			if err != nil || total != 1 || entries[0].Action != "test.kept" {
				t.Errorf("audit log after the job: %v, %d entries %+v", err, total, entries)
			}
		})
	}
}
