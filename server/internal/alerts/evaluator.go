package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
)

// Evaluator runs evaluation passes: on a schedule for everyone, and right
// after an ingest for the organization concerned. A pass evaluates only
// the domains due (checked since, or reaching a threshold, or under
// changed rules), in bounded batches, so its cost and memory follow what
// changed rather than how many domains the server holds.
type Evaluator struct {
	store   *store.Store
	baseURL string
	log     *slog.Logger
	// recorded is told when alerts were written, to wake the outbox.
	recorded func()

	// Batch bounds the domains one claim loads; MaxBatches the claims of
	// one pass, the rest waiting for the next; Lease how long a claim
	// keeps its domains from other passes, should this one die.
	Batch      int
	MaxBatches int
	Lease      time.Duration
	// Channels, when set, tells which channels cannot deliver at all, so
	// that their messages are recorded failed rather than queued.
	Channels Deliverability
	// CRLExpiringMargin is how long before its next update a CRL is
	// reported as expiring (0: revocation.DefaultExpiringMargin); the
	// revocation Checker must be given the same.
	CRLExpiringMargin time.Duration

	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}
	// cursor is the organization served last, so that passes go round
	// the organizations and a big one cannot starve the others.
	cursor string
}

// NewEvaluator builds an Evaluator; baseURL makes the dashboard links.
func NewEvaluator(st *store.Store, baseURL string, log *slog.Logger, recorded func()) *Evaluator {
	return &Evaluator{store: st, baseURL: baseURL, log: log, recorded: recorded,
		Batch: 1000, MaxBatches: 200, Lease: 5 * time.Minute,
		pending: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// PassStats tells what a pass did.
type PassStats struct {
	// Batches counts the claims of domains, Domains the domains loaded.
	Batches, Domains int
	// Agents counts the agents evaluated, in batches of their own.
	Agents int
	// Recorded counts the new alerts and resolutions.
	Recorded int
}

// Run evaluates every organization (the scheduled pass).
func (e *Evaluator) Run(ctx context.Context) error {
	_, err := e.Pass(ctx, "")
	return err
}

// RunOrg evaluates one organization, or all when orgID is empty.
func (e *Evaluator) RunOrg(ctx context.Context, orgID string) error {
	_, err := e.Pass(ctx, orgID)
	return err
}

// Pass evaluates the agents, then the due domains of one organization, or
// of all when orgID is empty: one batch per organization in turn, until
// nothing is due or MaxBatches batches are done.
func (e *Evaluator) Pass(ctx context.Context, orgID string) (PassStats, error) {
	var stats PassStats
	if err := e.evaluateAgents(ctx, orgID, &stats); err != nil {
		return stats, err
	}
	// Where each organization's claims got to in this pass; a domain made
	// due behind that point waits for the next pass.
	progress := make(map[string]*store.DueKey)
	for stats.Batches < e.MaxBatches {
		orgs, err := e.store.DueOrganizations(ctx, orgID, e.lastServed(), e.MaxBatches-stats.Batches)
		if err != nil {
			return stats, fmt.Errorf("alerts: evaluate: %w", err)
		}
		claimed := false
		for _, org := range orgs {
			last, seen := progress[org]
			if seen && last == nil {
				continue // nothing left after its last claim
			}
			if progress[org], err = e.evaluateBatch(ctx, org, last, &stats); err != nil {
				return stats, err
			}
			claimed = claimed || progress[org] != nil
			if orgID == "" {
				e.served(org)
			}
		}
		if !claimed {
			break
		}
	}
	if stats.Recorded > 0 {
		e.log.Info("alerts recorded", "organization", orgID, "new", stats.Recorded)
		if e.recorded != nil {
			e.recorded()
		}
	}
	return stats, nil
}

// evaluateAgents evaluates the due agents of the organization, or of all,
// in batches, and sets when each is next due.
func (e *Evaluator) evaluateAgents(ctx context.Context, orgID string, stats *PassStats) error {
	var after *store.DueKey
	for range e.MaxBatches {
		in, last, err := e.store.LoadAgentInput(ctx, orgID, after, e.Batch)
		if err != nil {
			return fmt.Errorf("alerts: evaluate agents: %w", err)
		}
		stats.Agents += len(in.Agents)
		d, err := e.record(ctx, orgID, in, stats)
		if err != nil {
			return err
		}
		if err := e.store.RescheduleAgents(ctx, agentTimes(in, d.AgentWake)); err != nil {
			return fmt.Errorf("alerts: evaluate agents: %w", err)
		}
		if last == nil {
			return nil
		}
		after = last
	}
	return nil
}

// evaluateBatch claims a batch of the organization's due domains after
// the given position, evaluates them, and sets when each is next due. It
// returns where the batch ended, nil when there was nothing to claim.
func (e *Evaluator) evaluateBatch(ctx context.Context, orgID string, after *store.DueKey, stats *PassStats) (*store.DueKey, error) {
	claim, err := e.store.ClaimDue(ctx, orgID, after, e.Batch, e.Lease)
	if err != nil {
		return nil, fmt.Errorf("alerts: evaluate: %w", err)
	}
	stats.Batches++
	if len(claim.DomainIDs) == 0 {
		return nil, nil
	}
	in, err := e.store.LoadDomainBatch(ctx, orgID, claim.DomainIDs)
	if err != nil {
		return nil, fmt.Errorf("alerts: evaluate: %w", err)
	}
	stats.Domains += len(in.Domains)
	d, err := e.record(ctx, orgID, in, stats)
	if err != nil {
		return nil, err
	}
	next := make(map[string]store.NextDue, len(in.Domains))
	for _, dom := range in.Domains {
		t := NextTransition(in.Rules, dom, in.Orgs[orgID].ExpiringThresholdDays, in.Now)
		if w, ok := d.Wake[dom.ID]; ok && (t.IsZero() || w.Before(t)) {
			t = w
		}
		if n := (store.NextDue{At: t, Failures: NextFailures(in.Rules, dom)}); n != (store.NextDue{}) {
			next[dom.ID] = n
		}
	}
	if err := e.store.Reschedule(ctx, claim, next); err != nil {
		return nil, fmt.Errorf("alerts: evaluate: %w", err)
	}
	return claim.Last, nil
}

// record evaluates the input, stores what fired, resolved and is to be
// sent, closes the agent outages left without an open endpoint, and
// returns the decision, which tells when open events next need a look.
func (e *Evaluator) record(ctx context.Context, orgID string, in store.EvalInput, stats *PassStats) (Decision, error) {
	if len(in.Rules) == 0 {
		return Decision{}, nil
	}
	if err := e.store.LoadNotifyContext(ctx, &in); err != nil {
		return Decision{}, fmt.Errorf("alerts: evaluate: %w", err)
	}
	in.CRLExpiringMargin = e.CRLExpiringMargin
	d := Evaluate(in, e.baseURL)
	e.markUndeliverable(ctx, &d.Record)
	n, err := e.store.RecordEvaluation(ctx, d.Record)
	if err != nil {
		return Decision{}, fmt.Errorf("alerts: evaluate: %w", err)
	}
	stats.Recorded += n
	if len(d.Shrunk) == 0 {
		return d, nil
	}
	empty, err := e.store.EmptyOutages(ctx, orgID, d.Shrunk)
	if err != nil || len(empty) == 0 {
		return d, err
	}
	resolved := ResolveOutages(in, empty, e.baseURL)
	e.markUndeliverable(ctx, &resolved)
	if n, err = e.store.RecordEvaluation(ctx, resolved); err != nil {
		return Decision{}, fmt.Errorf("alerts: evaluate: %w", err)
	}
	stats.Recorded += n
	return d, nil
}

func (e *Evaluator) lastServed() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cursor
}

func (e *Evaluator) served(orgID string) {
	e.mu.Lock()
	e.cursor = orgID
	e.mu.Unlock()
}

// Trigger asks for an evaluation of the organization soon. Requests pile
// up while a pass runs and are served together, so a burst of ingests
// costs one pass per organization.
func (e *Evaluator) Trigger(orgID string) {
	e.mu.Lock()
	e.pending[orgID] = true
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Loop serves Trigger requests until ctx ends.
func (e *Evaluator) Loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		}
		e.mu.Lock()
		orgs := e.pending
		e.pending = map[string]bool{}
		e.mu.Unlock()
		for org := range orgs {
			if err := e.RunOrg(ctx, org); err != nil && ctx.Err() == nil {
				e.log.Error("alert evaluation failed", "organization", org, "err", err)
			}
		}
	}
}
