// Package runner does the agent's work: pull targets, handshake with each in
// a bounded pool, spool the results in batches and push them; and schedule
// that cycle with jitter.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/discovery"
	"certinel.dev/agent/internal/filesource"
	"certinel.dev/agent/internal/revocation"
	"certinel.dev/agent/internal/spool"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// DefaultInterval is used when the server does not say how often to run.
const DefaultInterval = 4 * time.Hour

// DefaultBatchSize keeps one push well under the server's body limit while
// amortising the request overhead.
const DefaultBatchSize = 500

// Options holds the runner's dependencies.
type Options struct {
	Client    *client.Client
	Spool     *spool.Spool
	Fetch     probe.FetchOptions
	Discovery discovery.Options
	// Files names the certificate files read each cycle, after the
	// targets; no sources reads none.
	Files     filesource.Options
	BatchSize int
	Version   string
	Logger    *slog.Logger
	// LastTargets is the file that remembers the latest target list, used
	// when the server cannot be reached; empty disables it.
	LastTargets string
	// SweepLog is the file that remembers when each discovery job last ran;
	// empty keeps it in memory only.
	SweepLog string
	// RotateToken fetches, keeps and switches to a next agent token, on the
	// server's rotate_token command; nil ignores the command.
	RotateToken func(ctx context.Context) error
}

// Runner runs pull-fetch-push cycles.
type Runner struct {
	opts Options
	// pushMu keeps the target cycle and a sweep from delivering the same
	// spooled batch twice at once.
	pushMu sync.Mutex
	// jobs are the discovery jobs of the latest pull; swept remembers when
	// each last ran.
	jobsMu sync.Mutex
	jobs   []wire.DiscoveryJob
	swept  map[string]time.Time
	// checkedIn tells whether the latest pull got an answer: only then is
	// a server failing on a batch held against the batch (see strike).
	checkedIn atomic.Bool
	// lastCycle holds the counts of the latest full target cycle, reported
	// on the control channel.
	lastCycle atomic.Pointer[wire.CycleCounts]
	// intervals carries an interval the server set through the control
	// channel to the daemon's schedule.
	intervals chan time.Duration
	// revocationHTTP fetches the CRLs and OCSP answers the server asks for.
	revocationHTTP *http.Client
}

// New returns a runner; opts.BatchSize defaults to DefaultBatchSize.
func New(opts Options) *Runner {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Files.Logger == nil {
		opts.Files.Logger = opts.Logger
	}
	return &Runner{opts: opts, swept: loadSweepLog(opts.SweepLog), intervals: make(chan time.Duration, 1),
		revocationHTTP: revocation.NewHTTPClient()}
}

// RunOnce does one target cycle, then runs every discovery job the pull
// returned, whether due or not: the `once` command. The error is as
// runTargets' and sweepAll's.
func (r *Runner) RunOnce(ctx context.Context) (Summary, error) {
	sum, err := r.runTargets(ctx)
	return sum, errors.Join(err, r.sweepAll(ctx, false))
}

// runTargets does one target cycle and logs its summary line. The error is
// non-nil when the pull or any push did not succeed (the results are then
// safe in the spool); failed handshakes are results, not errors.
func (r *Runner) runTargets(ctx context.Context) (Summary, error) {
	start := time.Now()
	sum, err := r.cycle(ctx)
	sum.Elapsed = time.Since(start)
	r.lastCycle.Store(&wire.CycleCounts{FinishedAt: time.Now().UTC(), Targets: sum.Targets, OK: sum.OK, Failed: sum.Failed,
		Pushed: sum.Pushed, Spooled: sum.Spooled, ElapsedMS: sum.Elapsed.Milliseconds()})
	if err != nil {
		r.opts.Logger.Error("run finished with errors", "run", sum, "error", err)
	} else {
		r.opts.Logger.Info("run finished", "run", sum)
	}
	return sum, err
}

func (r *Runner) cycle(ctx context.Context) (Summary, error) {
	sum := Summary{ByKind: map[string]int{}, Interval: DefaultInterval}
	resp, pullErr := r.pull(ctx)
	if resp == nil {
		return sum, pullErr
	}
	sum.Targets = len(resp.Targets)
	r.setJobs(resp.Discovery)
	if resp.IntervalSeconds > 0 {
		sum.Interval = time.Duration(resp.IntervalSeconds) * time.Second
	}

	// Older results go first, so the server sees observations in order.
	backlogErr := r.flush(ctx, nil, &sum)

	mine, spoolErr := r.fetchAndSpool(ctx, resp.Targets, &sum)
	fileBatches, fileErr := r.readFiles(ctx, &sum)
	maps.Copy(mine, fileBatches)
	spoolErr = errors.Join(spoolErr, fileErr)
	pushErr := r.flush(ctx, mine, &sum)
	if pullErr == nil {
		// Only a fresh pull's: the remembered list's were asked before.
		r.fetchRevocations(ctx, resp.RevocationFetches)
	}
	if entries, err := r.opts.Spool.List(); err == nil {
		for _, e := range entries {
			if mine[e.BatchID] {
				sum.Spooled += e.Results
			}
		}
	}
	if backlogErr != nil && pushErr == nil {
		// The later flush retried the backlog and got through.
		backlogErr = nil
	}
	return sum, errors.Join(pullErr, spoolErr, backlogErr, pushErr, ctx.Err())
}

// pull fetches the targets and remembers them. When the server cannot be
// reached it falls back to the remembered list, so checks go on during an
// outage; the error still reports the failed pull.
func (r *Runner) pull(ctx context.Context) (*wire.TargetsResponse, error) {
	resp, err := r.opts.Client.Targets(ctx, r.parkedReport())
	r.checkedIn.Store(err == nil)
	if err == nil {
		if r.opts.LastTargets != "" {
			if err := saveLastPull(r.opts.LastTargets, resp, time.Now()); err != nil {
				r.opts.Logger.Warn("could not remember the target list", "error", err)
			}
		}
		return &resp, nil
	}
	err = fmt.Errorf("runner: %w", err)
	if r.opts.LastTargets == "" || !unreachable(err) || ctx.Err() != nil {
		return nil, err
	}
	lp, ok := loadLastPull(r.opts.LastTargets, time.Now())
	if !ok {
		return nil, err
	}
	r.opts.Logger.Warn("server unreachable: checking the targets of the last pull", "pulled_at", lp.PulledAt,
		"targets", len(lp.Response.Targets), "error", err)
	return &lp.Response, err
}

// fetchAndSpool probes the targets and writes their results to the spool in
// batches as they fill. It returns the ids of the batches it wrote.
func (r *Runner) fetchAndSpool(ctx context.Context, targets []wire.Target, sum *Summary) (map[string]bool, error) {
	byID := make(map[string]wire.Target, len(targets))
	for _, t := range targets {
		byID[t.ID] = t
	}
	results := make(chan wire.Result, r.opts.Fetch.Concurrency)
	var cut sync.Map // targets whose cut to MaxBackends was logged, once each
	go func() {
		probe.Fetch(ctx, targets, r.opts.Fetch, func(res wire.Result) {
			t := byID[res.TargetID]
			if len(res.Chain) == 0 {
				r.opts.Logger.Warn("target failed", "target_id", t.ID, "host", t.Host, "port", t.Port,
					"protocol", t.Protocol, "address", res.Address, "kind", res.ErrorKind, "error", res.Error)
			}
			if _, said := cut.LoadOrStore(t.ID, true); !said && res.Backends > probe.MaxBackends {
				r.opts.Logger.Warn("name has more addresses than are probed", "target_id", t.ID, "host", t.Host,
					"addresses", res.Backends, "probed", probe.MaxBackends)
			}
			results <- res
		})
		close(results)
	}()
	return r.spoolAll(results, func(res wire.Result) { count(res, sum) })
}

// spoolAll writes results to the spool in batches as they fill, calling
// each on every result first. It returns the ids of the batches it wrote.
func (r *Runner) spoolAll(results <-chan wire.Result, each func(wire.Result)) (map[string]bool, error) {
	mine := make(map[string]bool)
	var errs []error
	batch := make([]wire.Result, 0, r.opts.BatchSize)
	write := func() {
		if len(batch) == 0 {
			return
		}
		id, err := r.spoolBatch(batch)
		if err != nil {
			errs = append(errs, err)
		} else {
			mine[id] = true
		}
		batch = batch[:0]
	}
	for res := range results {
		each(res)
		batch = append(batch, res)
		if len(batch) == r.opts.BatchSize {
			write()
		}
	}
	write()
	return mine, errors.Join(errs...)
}

func count(res wire.Result, sum *Summary) {
	// A CRL file's item carries no chain but is a success all the same.
	if len(res.Chain) > 0 || res.File != nil && res.ErrorKind == "" {
		sum.OK++
		return
	}
	sum.Failed++
	sum.ByKind[res.ErrorKind]++
}

func (r *Runner) spoolBatch(results []wire.Result) (string, error) {
	id := uuid.NewString()
	payload, err := client.EncodeResults(wire.ResultsRequest{
		BatchID: id, AgentVersion: r.opts.Version, Results: results,
	})
	if err != nil {
		return "", fmt.Errorf("runner: %w", err)
	}
	if _, err := r.opts.Spool.Put(id, len(results), payload); err != nil {
		return "", fmt.Errorf("runner: %w", err)
	}
	return id, nil
}
