package store

import (
	"context"
	"fmt"
	"time"
)

// MetricsDomain is one domain with its latest check, in the shape the
// Prometheus exposition needs: the agent's name instead of its ID, and the
// status derived exactly as lists derive it.
type MetricsDomain struct {
	ID        string
	Host      string
	Port      int
	Protocol  string
	AgentName string
	CheckedAt *time.Time
	NotAfter  *time.Time
	Error     string
	Status    string
}

// MetricsDomains lists up to limit domains of the organization with their
// latest check, in a stable order (host, port, id) so that a capped answer
// keeps the same series from one scrape to the next.
func (s *Store) MetricsDomains(ctx context.Context, orgID string, expiringDays, limit int) ([]MetricsDomain, error) {
	now := s.now()
	soon := now.Add(time.Duration(expiringDays) * 24 * time.Hour)
	var out []MetricsDomain
	err := s.db.WithContext(ctx).Table("domains").
		Select("domains.id, domains.host, domains.port, domains.protocol, COALESCE(a.name, '') AS agent_name, "+
			"ds.checked_at, ds.not_after, COALESCE(ds.error, '') AS error, "+statusSQL+" AS status", now, soon).
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Joins("LEFT JOIN agents a ON a.id = domains.agent_id AND a.organization_id = domains.organization_id").
		Where("domains.organization_id = ?", orgID).
		Order("domains.host, domains.port, domains.id").
		Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: metrics domains: %w", err)
	}
	return out, nil
}

// DomainStatusCounts counts the organization's domains by status, over all
// of them (not capped like MetricsDomains). Statuses without domains are
// absent from the map.
func (s *Store) DomainStatusCounts(ctx context.Context, orgID string, expiringDays int) (map[string]int64, error) {
	now := s.now()
	soon := now.Add(time.Duration(expiringDays) * 24 * time.Hour)
	var rows []struct {
		Status string
		N      int64
	}
	db := s.db.WithContext(ctx)
	statuses := db.Table("domains").Select(statusSQL+" AS status", now, soon).
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Where("domains.organization_id = ?", orgID)
	err := db.Table("(?) AS d", statuses).Select("status, COUNT(*) AS n").Group("status").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: count domains by status: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
