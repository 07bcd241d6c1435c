package runner

import (
	"context"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/spool"
	"certinel.dev/shared/wire"
)

// MaxStrikes is how many push rounds in a row the server may fail on a batch
// before it is parked. Each round already retried the push over about a
// minute, and a cycle has two rounds (backlog, then new results) with a
// failed cycle retried after 15 minutes: a batch is set aside after some
// 15 to 20 minutes of failures, while a short server hiccup parks nothing.
const MaxStrikes = 3

// ParkedRetryInterval is how long a parked batch waits between retries: a
// fixed server may take it, and a day's wait costs a broken one little.
const ParkedRetryInterval = 24 * time.Hour

// strike handles a batch whose push failed with err. When the server is up
// (the latest check-in was answered) but failed on this very batch, the
// failure counts against the batch, and at MaxStrikes the batch is parked so
// that the batches behind it flow. It reports whether e left the queue.
func (r *Runner) strike(e spool.Entry, err error, sum *Summary) (bool, error) {
	if !client.ServerFailed(err) || !r.checkedIn.Load() {
		return false, nil
	}
	e, serr := r.opts.Spool.Strike(e)
	if serr != nil {
		return false, serr
	}
	if e.Strikes < MaxStrikes {
		r.opts.Logger.Warn("server failed on a batch; it is parked if this goes on",
			"batch_id", e.BatchID, "results", e.Results, "failed_rounds", e.Strikes, "park_after", MaxStrikes, "error", err)
		return false, nil
	}
	if _, perr := r.opts.Spool.Park(e); perr != nil {
		return false, perr
	}
	sum.Parked += e.Results
	r.opts.Logger.Error("server failed on a batch in every push round: parked it so later batches can be delivered; the server is told at the next check-in",
		"batch_id", e.BatchID, "results", e.Results, "written", e.Written, "failed_rounds", e.Strikes,
		"retry_in", ParkedRetryInterval, "error", err)
	return true, nil
}

// retryParked pushes the parked batches due for a retry, oldest first, and
// stops at the first that fails again (it then waits another interval), so
// a server still broken costs one push per round.
func (r *Runner) retryParked(ctx context.Context, sum *Summary) {
	parked, err := r.opts.Spool.Parked()
	if err != nil {
		r.opts.Logger.Warn("could not list parked batches", "error", err)
		return
	}
	for _, e := range parked {
		if time.Since(e.ParkedAt) < ParkedRetryInterval {
			continue
		}
		if err := r.deliver(ctx, e, false, sum); err != nil {
			r.opts.Logger.Warn("parked batch still not delivered", "batch_id", e.BatchID, "results", e.Results,
				"retry_in", ParkedRetryInterval, "error", err)
			if perr := r.opts.Spool.Postpone(e); perr != nil {
				r.opts.Logger.Warn("could not postpone a parked batch", "batch_id", e.BatchID, "error", perr)
			}
			return
		}
		r.opts.Logger.Info("delivered a parked batch", "batch_id", e.BatchID, "results", e.Results)
	}
}

// parkedReport is what the check-in tells the server about parked batches.
func (r *Runner) parkedReport() wire.Parked {
	parked, err := r.opts.Spool.Parked()
	if err != nil {
		r.opts.Logger.Warn("could not list parked batches", "error", err)
	}
	p := wire.Parked{Batches: len(parked)}
	if len(parked) > 0 {
		p.Oldest = parked[0].Written
	}
	return p
}
