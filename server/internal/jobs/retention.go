package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"certinel.dev/server/internal/store"
)

// pruneMaxRows bounds what one run deletes of each kind; a backlog (the
// first run after an upgrade) is worked off over several runs.
const pruneMaxRows = 100_000

// Retention is the job that deletes records older than their retention.
func Retention(st *store.Store, r store.Retention, log *slog.Logger) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		n, err := st.Prune(ctx, r, pruneMaxRows)
		if err != nil {
			return fmt.Errorf("jobs: retention: %w", err)
		}
		log.Info("retention", "samples", n.Samples, "audit_entries", n.Audit, "delivery_attempts", n.Deliveries, "result_batches", n.ResultBatches,
			"agent_commands", n.Commands, "check_requests", n.CheckRequests, "agent_enrollments", n.Enrollments,
			"expired_credentials", n.Credentials, "file_sources", n.FileSources)
		return nil
	}
}
