package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// States of a discovered endpoint. New and ignored are stored (the
// customer's decision); known is derived at read time from the domains, so
// adding or deleting a domain moves the endpoint without any rewrite.
const (
	DiscoveredNew     = "new"
	DiscoveredKnown   = "known"
	DiscoveredIgnored = "ignored"
)

// DiscoveredEndpoint is a TLS service an agent's sweep found.
type DiscoveredEndpoint struct {
	ID             string
	OrganizationID string
	AgentID        string
	DiscoveryJobID *string
	// DomainID is the domain an adoption created or found.
	DomainID      *string
	Address       string
	Port          int
	Protocol      string
	SNI           string `gorm:"column:sni"`
	ObservationID string
	LeafSHA256    string `gorm:"column:leaf_sha256"`
	NotAfter      *time.Time
	VerdictStatus string
	TrustStatus   string
	// Problems is a comma-separated list of analysis problem codes.
	Problems string
	// SuggestedNames are the DNS names of the leaf found on an IP address.
	SuggestedNames []string `gorm:"serializer:json"`
	State          string
	FirstSeenAt    time.Time
	LastSeenAt     time.Time
}

// DiscoveredView is an endpoint with its derived state and the domain that
// monitors it, if any.
type DiscoveredView struct {
	DiscoveredEndpoint `gorm:"embedded"`
	Effective          string  `gorm:"column:effective_state"`
	MatchedDomainID    *string `gorm:"column:matched_domain_id"`
}

// matchedDomainSQL finds the domain monitoring an endpoint: the one an
// adoption recorded, or the one of the same agent at the same endpoint
// (host, port, protocol and SNI) that the customer added by hand.
var matchedDomainSQL = `(SELECT d.id FROM domains d WHERE d.organization_id = e.organization_id
	AND (d.id = e.domain_id OR (d.agent_id = e.agent_id AND d.host = e.address AND d.port = e.port AND d.protocol = e.protocol
		AND ` + endpointSNISQL("d.sni", "d.host") + ` = ` + endpointSNISQL("e.sni", "e.address") + `))
	ORDER BY d.created_at LIMIT 1)`

var effectiveStateSQL = `CASE WHEN ` + matchedDomainSQL + ` IS NOT NULL THEN 'known'
	WHEN e.state = 'ignored' THEN 'ignored' ELSE 'new' END`

// DiscoveredFilter selects discovered endpoints; empty fields match all.
type DiscoveredFilter struct {
	State   string
	AgentID string
	JobID   string
}

func (s *Store) discoveredViews(ctx context.Context, orgID string) *gorm.DB {
	return discoveredViews(s.db.WithContext(ctx), orgID)
}

func discoveredViews(db *gorm.DB, orgID string) *gorm.DB {
	return db.Table("discovered_endpoints e").
		Select("e.*, "+matchedDomainSQL+" AS matched_domain_id, "+effectiveStateSQL+" AS effective_state").
		Where("e.organization_id = ?", orgID)
}

// ListDiscovered lists the organization's discovered endpoints, most
// recently seen first.
func (s *Store) ListDiscovered(ctx context.Context, orgID string, f DiscoveredFilter, page Page) ([]DiscoveredView, int64, error) {
	q := s.discoveredViews(ctx, orgID)
	if f.State != "" {
		q = q.Where("("+effectiveStateSQL+") = ?", f.State)
	}
	if f.AgentID != "" {
		q = q.Where("e.agent_id = ?", f.AgentID)
	}
	if f.JobID != "" {
		q = q.Where("e.discovery_job_id = ?", f.JobID)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Select("COUNT(*)").Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count discovered endpoints: %w", err)
	}
	var out []DiscoveredView
	if err := q.Order("e.last_seen_at DESC, e.address, e.port, e.id").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list discovered endpoints: %w", err)
	}
	return out, total, nil
}

// upsertDiscovered records what a batch found inside SaveResults'
// transaction, so a replayed batch changes nothing. Only the latest sighting
// of each endpoint moves its facts forward; the customer's state stays.
func upsertDiscovered(tx *gorm.DB, orgID string, found []DiscoveredEndpoint) error {
	if len(found) == 0 {
		return nil
	}
	// One row per key: PostgreSQL refuses to update a row twice in one statement.
	type key struct {
		agent, address, protocol string
		port                     int
	}
	latest := make(map[key]int, len(found))
	rows := make([]DiscoveredEndpoint, 0, len(found))
	for _, e := range found {
		e.ID, e.OrganizationID, e.State = NewID(), orgID, DiscoveredNew
		e.FirstSeenAt = e.LastSeenAt
		k := key{e.AgentID, e.Address, e.Protocol, e.Port}
		if i, ok := latest[k]; ok {
			if e.LastSeenAt.After(rows[i].LastSeenAt) {
				rows[i] = e
			}
			continue
		}
		latest[k] = len(rows)
		rows = append(rows, e)
	}
	// Key order, as for every row concurrent batches share (see saveObservations).
	slices.SortFunc(rows, func(a, b DiscoveredEndpoint) int {
		return cmp.Or(strings.Compare(a.AgentID, b.AgentID), strings.Compare(a.Address, b.Address),
			cmp.Compare(a.Port, b.Port), strings.Compare(a.Protocol, b.Protocol))
	})
	upsert := clause.OnConflict{
		Columns: []clause.Column{{Name: "organization_id"}, {Name: "agent_id"}, {Name: "address"}, {Name: "port"}, {Name: "protocol"}},
		DoUpdates: clause.AssignmentColumns([]string{"discovery_job_id", "sni", "observation_id", "leaf_sha256", "not_after",
			"verdict_status", "trust_status", "problems", "suggested_names", "last_seen_at"}),
		Where: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "excluded.last_seen_at >= discovered_endpoints.last_seen_at"}}},
	}
	if err := tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error; err != nil {
		return fmt.Errorf("discovered endpoints: %w", err)
	}
	leaves := make([]string, 0, len(rows))
	for _, e := range rows {
		leaves = append(leaves, e.LeafSHA256)
	}
	// A discovery is the inventory's trust verdict for leaves no domain serves.
	return refreshTrust(tx, orgID, leaves)
}

// Adoption is the outcome of adopting one endpoint: the domain that now
// monitors it, and whether the adoption created it.
type Adoption struct {
	ID       string
	DomainID string
	Created  bool
}

// AdoptDiscovered makes the endpoints with the given IDs monitored domains
// of the agents that found them (host = address, SNI as swept), in one
// transaction. Endpoints already monitored keep their domain. IDs that are
// not the organization's are left out of the answer, so callers can tell
// which were found.
func (s *Store) AdoptDiscovered(ctx context.Context, orgID string, ids []string) ([]Adoption, error) {
	var out []Adoption
	err := s.change(ctx, orgID, "discovered.adopt", "discovered_endpoint", map[string]int{"count": len(ids)}, func(tx *gorm.DB) (string, error) {
		var views []DiscoveredView
		if err := discoveredViews(tx, orgID).Where("e.id IN ?", ids).Order("e.address, e.port, e.id").Find(&views).Error; err != nil {
			return "", err
		}
		out = make([]Adoption, 0, len(views))
		for _, v := range views {
			a, err := adoptOne(tx, orgID, v, s.now())
			if err != nil {
				return "", err
			}
			out = append(out, a)
		}
		return "", nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: adopt discovered endpoints: %w", err)
	}
	return out, nil
}

func adoptOne(tx *gorm.DB, orgID string, v DiscoveredView, now time.Time) (Adoption, error) {
	a := Adoption{ID: v.ID}
	if v.MatchedDomainID != nil {
		a.DomainID = *v.MatchedDomainID
	} else {
		agentID := v.AgentID
		d := Domain{ID: NewID(), OrganizationID: orgID, Host: v.Address, Port: v.Port, Protocol: v.Protocol,
			SNI: v.SNI, AgentID: &agentID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&d).Error; err != nil {
			return a, fmt.Errorf("domain for discovered endpoint %s: %w", v.ID, endpointConflict(err, d))
		}
		a.DomainID, a.Created = d.ID, true
	}
	// Adopting undoes an earlier "ignore": the endpoint is now monitored.
	err := tx.Table("discovered_endpoints").Where("organization_id = ? AND id = ?", orgID, v.ID).
		Updates(map[string]any{"domain_id": a.DomainID, "state": DiscoveredNew}).Error
	return a, err
}

// IgnoreDiscovered marks endpoints ignored and returns the IDs that were
// the organization's.
func (s *Store) IgnoreDiscovered(ctx context.Context, orgID string, ids []string) ([]string, error) {
	var found []string
	err := s.change(ctx, orgID, "discovered.ignore", "discovered_endpoint", map[string]int{"count": len(ids)}, func(tx *gorm.DB) (string, error) {
		if err := tx.Table("discovered_endpoints").Where("organization_id = ? AND id IN ?", orgID, ids).Order("id").Pluck("id", &found).Error; err != nil {
			return "", err
		}
		if len(found) == 0 {
			return "", nil
		}
		return "", tx.Table("discovered_endpoints").Where("organization_id = ? AND id IN ?", orgID, found).Update("state", DiscoveredIgnored).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: ignore discovered endpoints: %w", err)
	}
	return found, nil
}

// AutoAdopt adopts the new endpoints found by the given jobs (those whose
// rule says so), leaving ignored ones alone.
func (s *Store) AutoAdopt(ctx context.Context, orgID string, jobIDs []string) ([]Adoption, error) {
	if len(jobIDs) == 0 {
		return nil, nil
	}
	var ids []string
	err := s.db.WithContext(ctx).Table("discovered_endpoints e").
		Where("e.organization_id = ? AND e.discovery_job_id IN ? AND ("+effectiveStateSQL+") = ?", orgID, jobIDs, DiscoveredNew).
		Pluck("e.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: auto-adopt: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return s.AdoptDiscovered(ctx, orgID, ids)
}
