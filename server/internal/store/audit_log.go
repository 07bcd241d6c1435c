package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditFilter selects audit entries; empty fields select everything.
type AuditFilter struct {
	ActorType string
	ActorID   string
	Action    string
	// From and To bound the entry's time: From <= created_at < To.
	From *time.Time
	To   *time.Time
}

// AuditRecord is an audit entry with the names of its actor and target as
// they are now: a renamed agent shows its new name. A deleted one has no
// current name; ActorName then falls back to the label written with the
// entry, and TargetName is empty.
type AuditRecord struct {
	AuditEntry `gorm:"embedded"`
	ActorName  string
	TargetName string
}

// auditNames joins each entry to what its actor and target are named now.
// Each join is keyed by the entry's type, so at most one of them matches,
// and is scoped to the entry's organization, so no other tenant's name can
// show.
const auditNames = `LEFT JOIN users au ON audit_log.actor_type = 'user' AND au.id = audit_log.actor_id
	LEFT JOIN api_tokens atk ON audit_log.actor_type = 'token' AND atk.id = audit_log.actor_id AND atk.organization_id = audit_log.organization_id
	LEFT JOIN users tu ON audit_log.target_type = 'user' AND tu.id = audit_log.target_id
	LEFT JOIN api_tokens tt ON audit_log.target_type = 'token' AND tt.id = audit_log.target_id AND tt.organization_id = audit_log.organization_id
	LEFT JOIN agents ta ON audit_log.target_type = 'agent' AND ta.id = audit_log.target_id AND ta.organization_id = audit_log.organization_id
	LEFT JOIN domains td ON audit_log.target_type = 'domain' AND td.id = audit_log.target_id AND td.organization_id = audit_log.organization_id
	LEFT JOIN channels tc ON audit_log.target_type = 'channel' AND tc.id = audit_log.target_id AND tc.organization_id = audit_log.organization_id
	LEFT JOIN alert_rules tr ON audit_log.target_type = 'alert_rule' AND tr.id = audit_log.target_id AND tr.organization_id = audit_log.organization_id`

const auditNameColumns = `audit_log.*,
	COALESCE(au.email, atk.name, audit_log.actor_label) AS actor_name,
	COALESCE(tu.email, tt.name, ta.name, td.host, tc.name, tr.name, '') AS target_name`

func (s *Store) auditQuery(ctx context.Context, orgID string, f AuditFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("audit_log").Where("audit_log.organization_id = ?", orgID)
	if f.ActorType != "" {
		q = q.Where("audit_log.actor_type = ?", f.ActorType)
	}
	if f.ActorID != "" {
		q = q.Where("audit_log.actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("audit_log.action = ?", f.Action)
	}
	if f.From != nil {
		q = q.Where("audit_log.created_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("audit_log.created_at < ?", f.To.UTC())
	}
	return q
}

// ListAudit lists an organization's whole audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, orgID string, page Page) ([]AuditRecord, int64, error) {
	return s.SearchAudit(ctx, orgID, AuditFilter{}, page)
}

// SearchAudit lists the organization's audit entries that match f, newest
// first, with names. The filters are ranges of the (organization, actor |
// action, time) indexes.
func (s *Store) SearchAudit(ctx context.Context, orgID string, f AuditFilter, page Page) ([]AuditRecord, int64, error) {
	var total int64
	if err := s.auditQuery(ctx, orgID, f).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count audit log: %w", err)
	}
	out := []AuditRecord{}
	err := s.auditQuery(ctx, orgID, f).Select(auditNameColumns).Joins(auditNames).
		Order("audit_log.created_at DESC, audit_log.id DESC").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: list audit log: %w", err)
	}
	return out, total, nil
}

// AuditActor is someone who appears in an organization's audit log.
type AuditActor struct {
	Type string
	ID   string
	Name string
}

// AuditFacets lists the actors and the actions of an organization's audit
// log, for the filters to offer. Retention bounds the log, and the
// (organization, actor | action, time) indexes answer both.
func (s *Store) AuditFacets(ctx context.Context, orgID string) ([]AuditActor, []string, error) {
	actors := []AuditActor{}
	err := s.db.WithContext(ctx).Table("(?) AS a", s.auditQuery(ctx, orgID, AuditFilter{}).
		Select("DISTINCT audit_log.actor_type, audit_log.actor_id")).
		Select(`a.actor_type AS type, a.actor_id AS id, COALESCE(u.email, t.name,
			(SELECT MAX(l.actor_label) FROM audit_log l WHERE l.organization_id = ? AND l.actor_type = a.actor_type AND l.actor_id = a.actor_id), '') AS name`, orgID).
		Joins("LEFT JOIN users u ON a.actor_type = 'user' AND u.id = a.actor_id").
		Joins("LEFT JOIN api_tokens t ON a.actor_type = 'token' AND t.id = a.actor_id AND t.organization_id = ?", orgID).
		Order("name, a.actor_type, a.actor_id").Limit(500).Find(&actors).Error
	if err != nil {
		return nil, nil, fmt.Errorf("store: audit actors: %w", err)
	}
	actions := []string{}
	if err := s.auditQuery(ctx, orgID, AuditFilter{}).Distinct("audit_log.action").Order("audit_log.action").Pluck("audit_log.action", &actions).Error; err != nil {
		return nil, nil, fmt.Errorf("store: audit actions: %w", err)
	}
	return actors, actions, nil
}
