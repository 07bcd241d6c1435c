package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"certinel.dev/server/internal/store"
)

// Evaluator runs evaluation passes: on a schedule for everyone, and right
// after an ingest for the organization concerned.
type Evaluator struct {
	store   *store.Store
	baseURL string
	log     *slog.Logger
	// recorded is told when alerts were written, to wake the outbox.
	recorded func()

	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}
}

// NewEvaluator builds an Evaluator; baseURL makes the dashboard links.
func NewEvaluator(st *store.Store, baseURL string, log *slog.Logger, recorded func()) *Evaluator {
	return &Evaluator{store: st, baseURL: baseURL, log: log, recorded: recorded,
		pending: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// Run evaluates every organization (the scheduled pass).
func (e *Evaluator) Run(ctx context.Context) error {
	return e.RunOrg(ctx, "")
}

// RunOrg evaluates one organization, or all when orgID is empty.
func (e *Evaluator) RunOrg(ctx context.Context, orgID string) error {
	in, err := e.store.LoadEvalInput(ctx, orgID)
	if err != nil {
		return fmt.Errorf("alerts: evaluate: %w", err)
	}
	fired, resolved := Evaluate(in, e.baseURL)
	if len(fired) == 0 && len(resolved) == 0 {
		return nil
	}
	n, err := e.store.RecordAlerts(ctx, fired, resolved)
	if err != nil {
		return fmt.Errorf("alerts: evaluate: %w", err)
	}
	if n > 0 {
		e.log.Info("alerts recorded", "organization", orgID, "new", n)
		if e.recorded != nil {
			e.recorded()
		}
	}
	return nil
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
