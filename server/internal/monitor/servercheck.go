package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// Checker probes, from the server itself, the domains that have no agent
// (public endpoints), through the same judging path as agent results.
type Checker struct {
	Store    *store.Store
	Ingester *Ingester
	Log      *slog.Logger
	// Dial connects to targets; the server passes its SSRF guard.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Interval is how old a check may get before the domain is due again.
	Interval    time.Duration
	Concurrency int
	Timeout     time.Duration
	// Batch bounds how many domains one run checks.
	Batch int
}

// Run checks the domains that are due and stores their results.
func (c *Checker) Run(ctx context.Context) error {
	due, err := c.Store.DueServerChecks(ctx, c.Store.Now().Add(-c.Interval), c.Batch)
	if err != nil {
		return fmt.Errorf("monitor: server checks: %w", err)
	}
	if len(due) == 0 {
		return nil
	}
	return c.Check(ctx, due)
}

// Check probes the given server-checked domains through the SSRF guard and
// stores the results: the scheduled run's due domains, or those of a
// "check now".
func (c *Checker) Check(ctx context.Context, due []store.Domain) error {
	targets := make([]wire.Target, len(due))
	orgOf := make(map[string]string, len(due))
	byOrg := make(map[string]map[string]store.Domain)
	for i, d := range due {
		targets[i] = wire.Target{ID: d.ID, Host: d.Host, Port: d.Port, Protocol: d.Protocol, SNI: d.SNI}
		orgOf[d.ID] = d.OrganizationID
		if byOrg[d.OrganizationID] == nil {
			byOrg[d.OrganizationID] = make(map[string]store.Domain)
		}
		byOrg[d.OrganizationID][d.ID] = d
	}
	var mu sync.Mutex
	results := make(map[string][]wire.Result)
	probe.Fetch(ctx, targets, probe.FetchOptions{Concurrency: c.Concurrency, Timeout: c.Timeout, Dial: c.Dial}, func(r wire.Result) {
		mu.Lock()
		defer mu.Unlock()
		org := orgOf[r.TargetID]
		results[org] = append(results[org], r)
	})
	var errs []error
	failed := 0
	for org, rs := range results {
		src := Source{OrgID: org, Targets: byOrg[org]}
		resp, err := c.Ingester.Ingest(ctx, src, wire.ResultsRequest{BatchID: "server-" + store.NewID(), Results: rs})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		failed += len(resp.Rejected)
	}
	c.Log.Info("server checks", "domains", len(due), "organizations", len(results), "rejected", failed)
	return errors.Join(errs...)
}
