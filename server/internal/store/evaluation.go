package store

import (
	"context"
	"fmt"
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

// LoadAgentInput reads the agents that have checked in, those whose
// certificate is overdue for renewal, and the CRLs past their attention
// time, of one organization or of all when orgID is empty, with their
// open alerts and their organizations' enabled rules. Agents are few (one per network), so each pass reads those that
// checked in; the overdue ones come through an index.
func (s *Store) LoadAgentInput(ctx context.Context, orgID string) (EvalInput, error) {
	in := EvalInput{Now: s.now(), Orgs: map[string]Organization{}}
	db := s.db.WithContext(ctx)
	scope := func(q *gorm.DB, col string) *gorm.DB {
		if orgID != "" {
			return q.Where(col+" = ?", orgID)
		}
		return q
	}
	if err := scope(db.Omit("Targets").Where("last_seen_at IS NOT NULL"), "organization_id").Find(&in.Agents).Error; err != nil {
		return in, fmt.Errorf("store: eval agents: %w", err)
	}
	// Through the index on cert_renew_by: the few agents overdue.
	if err := scope(db.Omit("Targets").Where("cert_renew_by <= ?", in.Now), "organization_id").Find(&in.AgentCerts).Error; err != nil {
		return in, fmt.Errorf("store: eval agent certificates: %w", err)
	}
	// Through the index on attention_at: the few CRLs that may be unhealthy.
	if err := scope(db.Omit("der").Where("attention_at <= ?", in.Now), "organization_id").Find(&in.Sources).Error; err != nil {
		return in, fmt.Errorf("store: eval revocation sources: %w", err)
	}
	crlHealth := "type = '" + string(lifecycle.EventCRLHealth) + "' AND " + openAlert
	if err := scope(db.Where("((agent_id IS NOT NULL AND "+openAlert+") OR ("+crlHealth+"))"), "organization_id").Find(&in.OpenAlerts).Error; err != nil {
		return in, fmt.Errorf("store: eval open alerts: %w", err)
	}
	if len(in.Agents) == 0 && len(in.AgentCerts) == 0 && len(in.Sources) == 0 && len(in.OpenAlerts) == 0 {
		return in, nil
	}
	withAgents := scope(db.Model(&Agent{}).Select("organization_id").Where("last_seen_at IS NOT NULL OR cert_renew_by <= ?", in.Now), "organization_id")
	withSources := scope(db.Model(&RevocationSource{}).Select("organization_id").Where("attention_at <= ?", in.Now), "organization_id")
	withCRLAlerts := scope(db.Model(&Alert{}).Select("organization_id").Where(crlHealth), "organization_id")
	if err := db.Where("enabled = ? AND (organization_id IN (?) OR organization_id IN (?) OR organization_id IN (?))", true,
		withAgents, withSources, withCRLAlerts).Find(&in.Rules).Error; err != nil {
		return in, fmt.Errorf("store: eval rules: %w", err)
	}
	var orgs []Organization
	if err := db.Where("id IN (?) OR id IN (?) OR id IN (?)", withAgents, withSources, withCRLAlerts).Find(&orgs).Error; err != nil {
		return in, fmt.Errorf("store: eval organizations: %w", err)
	}
	for _, o := range orgs {
		in.Orgs[o.ID] = o
	}
	return in, nil
}
