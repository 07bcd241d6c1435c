package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

// MetricsDomain is one domain with its latest check, in the shape the
// Prometheus exposition needs: the agent's name instead of its ID, and the
// status derived exactly as lists derive it.
type MetricsDomain struct {
	ID          string
	Host        string
	Port        int
	Protocol    string
	AgentName   string
	CheckedAt   *time.Time
	NotAfter    *time.Time
	WindowStart *time.Time
	WindowEnd   *time.Time
	UrgentAt    *time.Time
	StateKind   string
	Error       string
	Status      lifecycle.Status `gorm:"-"`
}

// MetricsDomains lists up to limit domains of the organization with their
// latest check, in a stable order (host, port, id) so that a capped answer
// keeps the same series from one scrape to the next.
func (s *Store) MetricsDomains(ctx context.Context, orgID string, floorDays, limit int) ([]MetricsDomain, error) {
	now := s.now()
	var out []MetricsDomain
	err := s.db.WithContext(ctx).Table("domains").
		Select("domains.id, domains.host, domains.port, domains.protocol, COALESCE(a.name, '') AS agent_name, "+
			"ds.checked_at, ds.not_after, ds.window_start, ds.window_end, ds.urgent_at, domains.state_kind, COALESCE(ds.error, '') AS error").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Joins("LEFT JOIN agents a ON a.id = domains.agent_id AND a.organization_id = domains.organization_id").
		Where("domains.organization_id = ?", orgID).
		Order("domains.host, domains.port, domains.id").
		Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: metrics domains: %w", err)
	}
	for i := range out {
		d := &out[i]
		d.Status = stateOf(d.StateKind, d.NotAfter, d.WindowEnd, d.UrgentAt).Status(now, floorDays)
	}
	return out, nil
}

// DomainStatusCounts counts the organization's domains listed under each
// status filter, over all of them (not capped like MetricsDomains): the
// same conditions as the list's filters, so the two always agree, and a
// domain with two problems is counted under both.
func (s *Store) DomainStatusCounts(ctx context.Context, orgID string, floorDays int) (map[lifecycle.Status]int64, error) {
	now := s.now()
	cols := make([]string, len(lifecycle.Statuses))
	var args []any
	for i, st := range lifecycle.Statuses {
		cond, a := statusCondition(string(st), now, floorDays)
		cols[i] = fmt.Sprintf("COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0)", cond)
		args = append(args, a...)
	}
	counts := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range counts {
		dest[i] = &counts[i]
	}
	err := s.orgDomains(ctx, orgID).Select(strings.Join(cols, ", "), args...).Row().Scan(dest...)
	if err != nil {
		return nil, fmt.Errorf("store: count domains by status: %w", err)
	}
	out := make(map[lifecycle.Status]int64, len(counts))
	for i, st := range lifecycle.Statuses {
		out[st] = counts[i]
	}
	return out, nil
}
