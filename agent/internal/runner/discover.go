package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"certinel.dev/agent/internal/atomicfile"
	"certinel.dev/agent/internal/discovery"
	"certinel.dev/shared/wire"
)

// defaultDiscoveryInterval applies to a job whose interval the server left unset.
const defaultDiscoveryInterval = 24 * time.Hour

// setJobs keeps the discovery jobs of the latest pull for the sweeps.
func (r *Runner) setJobs(jobs []wire.DiscoveryJob) {
	r.jobsMu.Lock()
	defer r.jobsMu.Unlock()
	r.jobs = slices.Clone(jobs)
}

// dueJobs lists the jobs to sweep now: all of them, or (dueOnly) those
// never swept (by this process or, with a sweep log, an earlier one) or
// swept longer ago than their interval.
func (r *Runner) dueJobs(dueOnly bool) []wire.DiscoveryJob {
	r.jobsMu.Lock()
	defer r.jobsMu.Unlock()
	now := time.Now()
	var out []wire.DiscoveryJob
	for _, j := range r.jobs {
		every := time.Duration(j.IntervalSeconds) * time.Second
		if every <= 0 {
			every = defaultDiscoveryInterval
		}
		if last, ok := r.swept[j.ID]; !dueOnly || !ok || now.Sub(last) >= every {
			out = append(out, j)
		}
	}
	return out
}

// markSwept records a sweep, on disk too when configured, so that a
// restarted agent does not sweep its networks again before the interval.
func (r *Runner) markSwept(id string, at time.Time) {
	r.jobsMu.Lock()
	defer r.jobsMu.Unlock()
	r.swept[id] = at
	if r.opts.SweepLog == "" {
		return
	}
	b, err := json.Marshal(r.swept)
	if err == nil {
		err = atomicfile.Write(r.opts.SweepLog, b, 0o600)
	}
	if err != nil {
		r.opts.Logger.Warn("could not record the sweep time", "job_id", id, "error", err)
	}
}

// loadSweepLog reads the sweep times a previous process recorded.
func loadSweepLog(path string) map[string]time.Time {
	swept := map[string]time.Time{}
	if path == "" {
		return swept
	}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &swept) // a damaged log only means sweeping again
	}
	return swept
}

// sweepAll runs the jobs one after another, so that one agent never sweeps
// faster than the fastest job's rate.
func (r *Runner) sweepAll(ctx context.Context, dueOnly bool) error {
	var errs []error
	for _, job := range r.dueJobs(dueOnly) {
		if ctx.Err() != nil {
			break
		}
		// A failed sweep waits its interval too: retrying a job the agent
		// cannot run (or a network it cannot reach) every tick helps no one.
		r.markSwept(job.ID, time.Now())
		if err := r.sweep(ctx, job); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweep runs one job, spools what it found through the same batches as the
// targets' results, pushes them, and logs the job's summary line.
func (r *Runner) sweep(ctx context.Context, job wire.DiscoveryJob) error {
	var sum Summary
	results := make(chan wire.Result, r.opts.BatchSize)
	var stats discovery.Stats
	var sweepErr error
	go func() {
		stats, sweepErr = discovery.Sweep(ctx, job, r.opts.Discovery, func(res wire.Result) { results <- res })
		close(results)
	}()
	mine, spoolErr := r.spoolAll(results, func(wire.Result) {})
	pushErr := r.flush(ctx, mine, &sum)
	err := errors.Join(sweepErr, spoolErr, pushErr)
	log := r.opts.Logger.Info
	if err != nil {
		log = r.opts.Logger.Error
	}
	log("discovery finished", "job_id", job.ID, "probes", stats.Probes, "found", stats.Found, "closed", stats.Closed,
		"no_tls", stats.Plain, "pushed", sum.Pushed, "rejected", sum.Rejected, "elapsed", stats.Elapsed.Round(time.Millisecond), "error", err)
	if err != nil {
		return fmt.Errorf("runner: discovery job %s: %w", job.ID, err)
	}
	return nil
}
