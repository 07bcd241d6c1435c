package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
)

// EvalInput is what one evaluation reads: the rules, and the subjects with
// their open alerts. Evaluation closes the open alerts given whose
// condition is gone, so OpenAlerts must hold those of the subjects given,
// and only those.
type EvalInput struct {
	Now        time.Time
	Orgs       map[string]Organization
	Rules      []AlertRule
	Domains    []EvalDomain
	Agents     []Agent
	AgentCerts []Agent // past their certificate's renewal deadline (cert_renew_by)
	// Sources are the CRLs and responders past their attention time,
	// which may be unhealthy (crl_health).
	Sources []RevocationSource
	// CRLExpiringMargin is the evaluator's, which judges Sources
	// (revocation.Health); 0 means the default.
	CRLExpiringMargin time.Duration
	OpenAlerts        []Alert
	Changes           []CertificateChange
	// Backends are the checks of the addresses behind the domains' names,
	// by domain, for failed uptake (stale_backend).
	Backends map[string][]DomainBackend
	// Notification context (see LoadNotifyContext).
	Maintenance []MaintenanceWindow
	Outages     []Alert
	AgentNames  map[string]string
}

// openAlert selects open alerts; a literal, so that PostgreSQL plans
// with the partial indexes on open alerts.
const openAlert = "state = '" + AlertOpen + "'"

// changeWindow bounds how far back certificate changes are considered.
const changeWindow = 7 * 24 * time.Hour

// LoadDomainBatch reads the given domains of one organization, with their
// tags, open alerts and recent certificate changes, and the
// organization's enabled rules: a fixed number of queries, each bounded
// by the batch.
func (s *Store) LoadDomainBatch(ctx context.Context, orgID string, domainIDs []string) (EvalInput, error) {
	in := EvalInput{Now: s.now(), Orgs: map[string]Organization{}}
	db := s.db.WithContext(ctx)
	if err := db.Where("organization_id = ? AND enabled = ?", orgID, true).Find(&in.Rules).Error; err != nil {
		return in, fmt.Errorf("store: eval rules: %w", err)
	}
	if len(in.Rules) == 0 || len(domainIDs) == 0 {
		return in, nil
	}
	var org Organization
	if err := db.Where("id = ?", orgID).Take(&org).Error; err != nil {
		return in, fmt.Errorf("store: eval organization: %w", err)
	}
	in.Orgs[org.ID] = org
	q := db.Table("domains d").Select(`d.id, d.organization_id, d.host, d.port, d.protocol, d.agent_id,
		ds.checked_at, ds.leaf_sha256, ds.not_after, ds.error, ds.trust_status, ds.problems, ds.window_end, ds.urgent_at, ds.consecutive_failures, ds.failing_since`).
		Joins("JOIN domain_states ds ON ds.domain_id = d.id").
		// The list on both sides, for PostgreSQL does not carry it across
		// the join and would otherwise scan every state.
		Where("d.organization_id = ? AND d.id IN ? AND ds.domain_id IN ?", orgID, domainIDs, domainIDs)
	if err := q.Find(&in.Domains).Error; err != nil {
		return in, fmt.Errorf("store: eval domains: %w", err)
	}
	var tags []struct{ DomainID, Tag string }
	if err := db.Table("domain_tags").Select("domain_id, tag").Where("domain_id IN ?", domainIDs).Find(&tags).Error; err != nil {
		return in, fmt.Errorf("store: eval tags: %w", err)
	}
	index := make(map[string]int, len(in.Domains))
	for i, d := range in.Domains {
		index[d.ID] = i
	}
	for _, t := range tags {
		if i, ok := index[t.DomainID]; ok {
			in.Domains[i].Tags = append(in.Domains[i].Tags, t.Tag)
		}
	}
	if err := db.Where("domain_id IN ? AND "+openAlert, domainIDs).Find(&in.OpenAlerts).Error; err != nil {
		return in, fmt.Errorf("store: eval open alerts: %w", err)
	}
	if err := db.Where("domain_id IN ? AND observed_at > ?", domainIDs, in.Now.Add(-changeWindow)).Find(&in.Changes).Error; err != nil {
		return in, fmt.Errorf("store: eval changes: %w", err)
	}
	// Every row the table holds, as the domain page shows them: rows of
	// addresses gone from the name are deleted at ingest.
	backends, err := s.DomainBackends(ctx, orgID, domainIDs, time.Time{})
	if err != nil {
		return in, fmt.Errorf("store: eval: %w", err)
	}
	in.Backends = backends
	return in, nil
}

// LoadAgentInput reads a batch of the agents due for evaluation (see
// agent_schedule.go), of one organization or of all when orgID is empty,
// in ID order after the given position, with their open alerts and their
// organizations' enabled rules. It returns where the batch ended, nil
// when no due agent is left. The first batch (after nil) also reads the
// agents whose certificate is overdue for renewal and the CRLs past their
// attention time, with their open alerts: each through an index, and few.
func (s *Store) LoadAgentInput(ctx context.Context, orgID string, after *DueKey, limit int) (EvalInput, *DueKey, error) {
	in := EvalInput{Now: s.now(), Orgs: map[string]Organization{}}
	db := s.db.WithContext(ctx)
	scope := func(q *gorm.DB, col string) *gorm.DB {
		if orgID != "" {
			return q.Where(col+" = ?", orgID)
		}
		return q
	}
	due := scope(db.Omit("Targets").Where("(eval_due_at <= ? OR eval_wake_at <= ?)", in.Now, in.Now), "organization_id")
	if after != nil {
		due = due.Where("id > ?", after.ID)
	}
	if err := due.Order("id").Limit(limit).Find(&in.Agents).Error; err != nil {
		return in, nil, fmt.Errorf("store: eval agents: %w", err)
	}
	var last *DueKey
	if len(in.Agents) == limit {
		last = &DueKey{ID: in.Agents[limit-1].ID}
	}
	if after == nil {
		if err := s.loadAgentExtras(ctx, scope, &in); err != nil {
			return in, nil, err
		}
	} else {
		// The batch's rows hold their renewal times: no second read.
		for _, a := range in.Agents {
			if a.CertRenewBy != nil && !a.CertRenewBy.After(in.Now) {
				in.AgentCerts = append(in.AgentCerts, a)
			}
		}
	}
	// Evaluation closes the open events of the agents given whose
	// condition is gone: those of these agents, and no others.
	ids := agentIDs(in.Agents)
	for start := 0; start < len(ids); start += observationBatch {
		var open []Alert
		if err := db.Where("agent_id IN ? AND "+openAlert, ids[start:min(start+observationBatch, len(ids))]).Find(&open).Error; err != nil {
			return in, nil, fmt.Errorf("store: eval open alerts: %w", err)
		}
		in.OpenAlerts = append(in.OpenAlerts, open...)
	}
	return in, last, s.loadRulesOf(ctx, &in)
}

// agentIDs lists the agents' IDs, in their order.
func agentIDs(agents []Agent) []string {
	ids := make([]string, len(agents))
	for i, a := range agents {
		ids[i] = a.ID
	}
	return ids
}

// loadAgentExtras adds to the first batch of agents those overdue for
// certificate renewal, the CRLs past their attention time, and the open
// CRL events.
func (s *Store) loadAgentExtras(ctx context.Context, scope func(*gorm.DB, string) *gorm.DB, in *EvalInput) error {
	db := s.db.WithContext(ctx)
	// Through the index on cert_renew_by: the few agents overdue.
	if err := scope(db.Omit("Targets").Where("cert_renew_by <= ?", in.Now), "organization_id").Find(&in.AgentCerts).Error; err != nil {
		return fmt.Errorf("store: eval agent certificates: %w", err)
	}
	loaded := make(map[string]bool, len(in.Agents))
	for _, a := range in.Agents {
		loaded[a.ID] = true
	}
	for _, a := range in.AgentCerts {
		if !loaded[a.ID] {
			in.Agents = append(in.Agents, a)
		}
	}
	// Through the index on attention_at: the few CRLs that may be unhealthy.
	if err := scope(db.Omit("der").Where("attention_at <= ?", in.Now), "organization_id").Find(&in.Sources).Error; err != nil {
		return fmt.Errorf("store: eval revocation sources: %w", err)
	}
	crlHealth := "type = '" + string(lifecycle.EventCRLHealth) + "' AND " + openAlert
	if err := scope(db.Where("agent_id IS NULL AND "+crlHealth), "organization_id").Find(&in.OpenAlerts).Error; err != nil {
		return fmt.Errorf("store: eval open alerts: %w", err)
	}
	return nil
}

// loadRulesOf reads the organizations, and their enabled rules, of the
// agents, CRLs and open alerts of an evaluation's input.
func (s *Store) loadRulesOf(ctx context.Context, in *EvalInput) error {
	var orgIDs []string
	for _, a := range in.Agents {
		orgIDs = append(orgIDs, a.OrganizationID)
	}
	for _, a := range in.AgentCerts {
		orgIDs = append(orgIDs, a.OrganizationID)
	}
	for _, src := range in.Sources {
		orgIDs = append(orgIDs, src.OrganizationID)
	}
	for _, a := range in.OpenAlerts {
		orgIDs = append(orgIDs, a.OrganizationID)
	}
	orgIDs = slices.Compact(slices.Sorted(slices.Values(orgIDs)))
	db := s.db.WithContext(ctx)
	for start := 0; start < len(orgIDs); start += observationBatch {
		chunk := orgIDs[start:min(start+observationBatch, len(orgIDs))]
		var rules []AlertRule
		if err := db.Where("enabled = ? AND organization_id IN ?", true, chunk).Find(&rules).Error; err != nil {
			return fmt.Errorf("store: eval rules: %w", err)
		}
		in.Rules = append(in.Rules, rules...)
		var orgs []Organization
		if err := db.Where("id IN ?", chunk).Find(&orgs).Error; err != nil {
			return fmt.Errorf("store: eval organizations: %w", err)
		}
		for _, o := range orgs {
			in.Orgs[o.ID] = o
		}
	}
	return nil
}
