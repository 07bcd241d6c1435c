// Package monitor turns what agents and the server's own checks report into
// stored knowledge: it validates results, parses each chain once, judges
// it, and records observations with their verdicts.
package monitor

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Ingester validates, judges and stores result batches.
type Ingester struct {
	store *store.Store
	roots *x509.CertPool
	log   *slog.Logger
	// trust remembers chains that verified: agents report the same chains
	// every few hours, and signature checks are most of the cost of judging.
	trust *certs.Cache
	pools orgPools
	// Stored, when set, hears of every organization whose results made
	// domains due for evaluation (it runs right after an ingest).
	Stored func(orgID string)
	// RevocationChanged, when set, hears of every organization one of
	// whose certificates a stapled OCSP response found revoked, or no
	// longer revoked, to have its other stored chains judged again (as
	// revocation.Refresher.Changed).
	RevocationChanged func(ctx context.Context, orgID string) error
	// CRLFile, when set, records a CRL file an agent read as a revocation
	// source of the organization (as revocation.Refresher.UploadCRL).
	CRLFile func(ctx context.Context, orgID string, der []byte) error
	// MaxFileSources bounds the file items one agent may create.
	MaxFileSources int
}

// trustCacheSize bounds the verified-chain cache (entries are small);
// trustLinks its links, each holding the parsed certificates above a leaf
// for an organization's pool: one per intermediate and pool serves all
// the leaves under it, and at 10,000 organizations with CAs of their own
// an unbounded share of the cache held 150 MB of certificates.
const (
	trustCacheSize = 200_000
	trustLinks     = 2_000
)

// NewIngester builds an Ingester. roots are the system roots chains are
// judged against (nil: none, only the organizations' own CAs).
func NewIngester(s *store.Store, roots *x509.CertPool, log *slog.Logger) *Ingester {
	return &Ingester{store: s, roots: roots, log: log, trust: certs.NewCache(trustCacheSize, trustLinks), pools: orgPools{m: map[string]orgPool{}},
		MaxFileSources: store.MaxFileSourcesPerAgent}
}

// Source says who reported a batch and which targets it may report on.
type Source struct {
	OrgID   string
	AgentID *string // nil for the server's own checks
	Targets map[string]store.Domain
	// Jobs are the agent's discovery jobs by ID; their results add to the
	// discovered-endpoint inventory.
	Jobs map[string]store.DiscoveryJob
	// Repeats are the results, by index, that repeat their domain's
	// current state (pickRepeats); their domains need not be in Targets.
	Repeats map[int]store.Repeat
	// BackendTTL is how long a backend of a name may go unchecked before
	// it leaves the list; 0: backendCycles default intervals.
	BackendTTL time.Duration
	// Refused are results refused before judging, by index, with the
	// reason (file results that name no item the agent may have).
	Refused map[int]error
}

// IngestAgent stores an agent's batch. A batch ID seen before stores
// nothing: it answers the first outcome together with store.ErrDuplicateBatch.
//
// Results that repeat their domain's current state are stored without
// being judged; should a state move meanwhile, the batch is judged in full.
func (in *Ingester) IngestAgent(ctx context.Context, agent store.Agent, req wire.ResultsRequest) (wire.ResultsResponse, error) {
	files, err := in.resolveFiles(ctx, agent, req.Results)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	req.Results = files.results
	ids := make([]string, 0, len(req.Results))
	for _, r := range req.Results {
		ids = append(ids, r.TargetID)
	}
	held, err := in.store.HeldChains(ctx, agent.OrganizationID, agent.ID, ids)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	jobs, err := in.store.AgentDiscoveryJobs(ctx, agent.OrganizationID, agent.ID)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	src := Source{OrgID: agent.OrganizationID, AgentID: &agent.ID, Jobs: jobsByID(jobs), Refused: files.refused,
		Repeats:    pickRepeats(req.Results, agent.ID, held, in.store.Now()),
		BackendTTL: backendCycles * time.Duration(agent.IntervalSeconds) * time.Second}
	resp, err := in.ingestTargets(ctx, src, req)
	if errors.Is(err, store.ErrRepeatMoved) {
		src.Repeats = nil
		resp, err = in.ingestTargets(ctx, src, req)
	}
	if err == nil && resp.Accepted > 0 {
		in.autoAdopt(ctx, agent.OrganizationID, jobs)
	}
	return resp, err
}

// ingestTargets loads the agent's targets that the batch's results other
// than the repeats name, and ingests the batch.
func (in *Ingester) ingestTargets(ctx context.Context, src Source, req wire.ResultsRequest) (wire.ResultsResponse, error) {
	ids := make([]string, 0, len(req.Results)-len(src.Repeats))
	for i, r := range req.Results {
		if _, repeat := src.Repeats[i]; !repeat {
			ids = append(ids, r.TargetID)
		}
	}
	domains, err := in.store.AgentTargetsOf(ctx, src.OrgID, *src.AgentID, ids)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	src.Targets = byID(domains)
	return in.Ingest(ctx, src, req)
}

func byID(ds []store.Domain) map[string]store.Domain {
	m := make(map[string]store.Domain, len(ds))
	for _, d := range ds {
		m[d.ID] = d
	}
	return m
}

// Ingest judges and stores the valid results of a batch and lists the others.
func (in *Ingester) Ingest(ctx context.Context, src Source, req wire.ResultsRequest) (wire.ResultsResponse, error) {
	j, err := in.newJudge(ctx, src.OrgID)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	rs := store.ResultSet{BatchID: req.BatchID}
	if src.AgentID != nil {
		rs.AgentID = *src.AgentID
	}
	if err := j.load(j.batchCerts(req.Results, src.Repeats)); err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	refused := []wire.Rejection{}
	for i, r := range req.Results {
		if err, ok := src.Refused[i]; ok {
			refused = append(refused, wire.Rejection{Index: i, Error: err.Error()})
			continue
		}
		if rep, ok := src.Repeats[i]; ok {
			rs.Repeats = append(rs.Repeats, rep)
			continue
		}
		if isCRLFile(r) {
			if err := in.saveCRLFile(ctx, src.OrgID, r); err != nil {
				refused = append(refused, wire.Rejection{Index: i, Error: err.Error()})
			} else {
				rs.Kept++
			}
			continue
		}
		obs, found, err := j.convertResult(r, src)
		if err != nil {
			refused = append(refused, wire.Rejection{Index: i, Error: err.Error()})
			continue
		}
		obs.AgentID, obs.Index = src.AgentID, i
		rs.Observations = append(rs.Observations, obs)
		if found != nil {
			rs.Discovered = append(rs.Discovered, *found)
		}
	}
	if err := in.sortBackends(ctx, j, src, req.Results, &rs); err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	rs.Certificates = j.cache.used()
	rejected, err := json.Marshal(refused)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	rs.Rejected = string(rejected)
	batch, err := in.store.SaveResults(ctx, src.OrgID, rs)
	if errors.Is(err, store.ErrRepeatMoved) {
		return wire.ResultsResponse{}, err
	}
	if err != nil && !errors.Is(err, store.ErrDuplicateBatch) {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	if err == nil {
		// The results are stored: a replay would not bring the staples
		// back, so a failure here is logged, not answered.
		if err := in.saveStaples(ctx, j, src.OrgID, rs.Observations); err != nil {
			in.log.Error("stapled OCSP responses not recorded", "organization", src.OrgID, "err", err)
		}
	}
	// The stored outcome is the answer: it holds the results the database
	// refused, and for a replay the first outcome.
	stored := wire.ResultsResponse{Accepted: batch.Accepted, Rejected: []wire.Rejection{}}
	_ = json.Unmarshal([]byte(batch.Rejected), &stored.Rejected)
	if err == nil && in.Stored != nil && batch.MadeDue {
		in.Stored(src.OrgID)
	}
	return stored, err
}

// saveStaples stores what the batch's staples told, once its results are
// stored (a replayed batch tells nothing new).
func (in *Ingester) saveStaples(ctx context.Context, j *judge, orgID string, accepted []store.Observation) error {
	if err := j.staples.save(j, accepted); err != nil {
		return err
	}
	if j.staples.flipped && in.RevocationChanged != nil {
		in.log.Warn("revocation status changed by a stapled OCSP response", "organization", orgID)
		return in.RevocationChanged(ctx, orgID)
	}
	return nil
}
