package runner

import (
	"context"
	"errors"
	"fmt"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/spool"
)

// flush pushes every spooled batch, oldest first, and removes each one only
// after the server acknowledged it. It stops at the first batch that could
// not be delivered: the server is then unreachable or unwilling, and the
// rest waits for the next run; unless that batch is one the server keeps
// failing on, which is parked so the rest can go. Once the queue is empty,
// parked batches due for a retry get one. mine names this run's batches,
// for counting.
func (r *Runner) flush(ctx context.Context, mine map[string]bool, sum *Summary) error {
	r.pushMu.Lock()
	defer r.pushMu.Unlock()
	entries, err := r.opts.Spool.List()
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	for _, e := range entries {
		err := r.deliver(ctx, e, mine[e.BatchID], sum)
		if err == nil {
			continue
		}
		if parked, perr := r.strike(e, err, sum); perr != nil || !parked {
			return errors.Join(err, perr)
		}
	}
	r.retryParked(ctx, sum)
	return nil
}

func (r *Runner) deliver(ctx context.Context, e spool.Entry, own bool, sum *Summary) error {
	payload, err := r.opts.Spool.Read(e)
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	resp, err := r.opts.Client.PushResults(ctx, payload)
	if client.Undeliverable(err) {
		// Resending the same bytes would fail forever and block the spool.
		r.opts.Logger.Error("server refused a whole batch, dropping it",
			"batch_id", e.BatchID, "results", e.Results, "error", err)
		sum.Dropped += e.Results
		return r.opts.Spool.Remove(e)
	}
	if err != nil {
		return fmt.Errorf("runner: batch %s: %w", e.BatchID, err)
	}
	for _, rej := range resp.Rejected {
		r.opts.Logger.Warn("server rejected a result", "batch_id", e.BatchID, "index", rej.Index, "error", rej.Error)
	}
	sum.Rejected += len(resp.Rejected)
	if own {
		sum.Pushed += e.Results
	} else {
		sum.Backlog += e.Results
	}
	return r.opts.Spool.Remove(e)
}
