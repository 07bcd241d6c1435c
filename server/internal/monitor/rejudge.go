package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/store"
)

// Rejudger judges the stored current chains of an organization again when
// what judging depends on changes (its CA bundles, its policy), without
// probing anything. Requests are rows (store.RequestRejudge), so a restart
// or another replica finishes what one began.
type Rejudger struct {
	Store    *store.Store
	Ingester *Ingester
	Log      *slog.Logger
	// Batch bounds the chains judged and written per transaction.
	Batch int
	// Lease is how long a replica holds an organization; a pass that dies
	// lets another take it again after it.
	Lease time.Duration
	// Poll is how often the loop looks for requests made on other replicas.
	Poll time.Duration
	wake chan struct{}
}

// NewRejudger returns a Rejudger with its wake-up channel.
func NewRejudger(st *store.Store, in *Ingester, log *slog.Logger) *Rejudger {
	return &Rejudger{Store: st, Ingester: in, Log: log, Batch: 500, Lease: 5 * time.Minute, Poll: 15 * time.Second,
		wake: make(chan struct{}, 1)}
}

// Request asks for the organization to be re-judged and wakes the loop.
func (r *Rejudger) Request(ctx context.Context, orgID string) error {
	if err := r.Store.RequestRejudge(ctx, orgID); err != nil {
		return fmt.Errorf("monitor: %w", err)
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// Loop serves requests until ctx ends: at once for this replica's, every
// Poll for the others' and for leases that ran out.
func (r *Rejudger) Loop(ctx context.Context) {
	tick := time.NewTicker(r.Poll)
	defer tick.Stop()
	for {
		if err := r.RunPending(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("re-judging failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// RunPending re-judges every organization waiting for it.
func (r *Rejudger) RunPending(ctx context.Context) error {
	for ctx.Err() == nil {
		claim, ok, err := r.Store.ClaimRejudge(ctx, r.Lease)
		if err != nil || !ok {
			return err
		}
		n, err := r.rejudgeOrg(ctx, claim.OrganizationID)
		if err != nil {
			// The claim runs out and the request is taken again.
			return err
		}
		if err := r.Store.FinishRejudge(ctx, claim); err != nil {
			return err
		}
		r.Log.Info("re-judged stored chains", "organization", claim.OrganizationID, "domains", n)
		if r.Ingester.Stored != nil && n > 0 {
			r.Ingester.Stored(claim.OrganizationID)
		}
	}
	return ctx.Err()
}

// rejudgeOrg judges every current chain of the organization, batch by
// batch, and returns how many there were.
func (r *Rejudger) rejudgeOrg(ctx context.Context, orgID string) (int, error) {
	j, err := r.Ingester.newJudge(ctx, orgID)
	if err != nil {
		return 0, fmt.Errorf("monitor: rejudge %s: %w", orgID, err)
	}
	total, after := 0, ""
	for {
		chains, err := r.Store.CurrentChains(ctx, orgID, after, r.Batch)
		if err != nil || len(chains) == 0 {
			return total, err
		}
		parsed := make([][]*certs.Cert, len(chains))
		leaves, all := make([]string, 0, len(chains)), make([]string, 0, len(chains))
		for i, c := range chains {
			if parsed[i] = r.parseChain(c); parsed[i] != nil {
				leaves = append(leaves, parsed[i][0].Facts.SHA256)
				for _, cert := range parsed[i] {
					all = append(all, cert.Facts.SHA256)
				}
			}
		}
		if err := j.load(leaves, all); err != nil {
			return total, err
		}
		vs := make([]store.Reverdict, 0, len(chains))
		for i, c := range chains {
			if parsed[i] == nil {
				continue
			}
			if v, ok := r.judgeChain(j, c, parsed[i]); ok {
				vs = append(vs, v)
			}
		}
		if err := r.Store.SaveVerdicts(ctx, orgID, vs); err != nil {
			return total, err
		}
		total += len(chains)
		after = chains[len(chains)-1].Domain.ID
	}
}

// parseChain parses one stored chain; a chain that no longer parses (a
// stricter parser) keeps its verdict, and so does an empty one.
func (r *Rejudger) parseChain(c store.CurrentChain) []*certs.Cert {
	chain := make([]*certs.Cert, 0, len(c.DER))
	for _, der := range c.DER {
		parsed, err := certs.Parse(der)
		if err != nil {
			r.Log.Warn("stored certificate unreadable, verdict kept", "domain", c.Domain.ID, "err", err)
			return nil
		}
		chain = append(chain, parsed)
	}
	if len(chain) == 0 {
		return nil
	}
	return chain
}

// judgeChain judges one stored, parsed chain.
func (r *Rejudger) judgeChain(j *judge, c store.CurrentChain, chain []*certs.Cert) (store.Reverdict, bool) {
	v, raw, err := j.verdict(chain, c.Domain, c.TLSVersion)
	if err != nil {
		r.Log.Warn("re-judging a chain failed, verdict kept", "domain", c.Domain.ID, "err", err)
		return store.Reverdict{}, false
	}
	var judged store.Observation
	applyVerdict(&judged, v, raw)
	return store.Reverdict{DomainID: c.Domain.ID, ObservationID: c.ObservationID, Verdict: judged.Verdict,
		VerdictStatus: judged.VerdictStatus, TrustStatus: judged.TrustStatus, Problems: judged.Problems, Renewal: judged.Renewal}, true
}
