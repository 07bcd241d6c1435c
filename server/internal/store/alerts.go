package store

import (
	"context"
	"fmt"
	"time"
)

// Alert states: open until the condition clears; info for one-off notices
// (a change, a resolution) that have nothing to resolve.
const (
	AlertOpen     = "open"
	AlertResolved = "resolved"
	AlertInfo     = "info"
)

// Alert is one fired condition. DedupKey makes it fire once.
type Alert struct {
	ID             string
	OrganizationID string
	RuleID         string
	// RuleIDs are every rule that caught the event; their channels hear of it.
	RuleIDs  []string `gorm:"serializer:json;column:rule_ids"`
	DomainID *string
	AgentID  *string
	Type     string
	DedupKey string
	State    string
	// Payload is the event as notifications carry it (JSON).
	Payload    string
	OpenedAt   time.Time
	ResolvedAt *time.Time
	// GroupID is the agent outage this event belongs to, whose
	// notifications speak for it.
	GroupID *string
	// NotifiedAt is when the event was last sent; nil while held back by
	// maintenance or a snooze.
	NotifiedAt        *time.Time
	AcknowledgedAt    *time.Time
	AcknowledgedBy    string
	SnoozedUntil      *time.Time
	SnoozeUntilChange bool
}

// EvalDomain is a domain's latest state as alert evaluation reads it.
type EvalDomain struct {
	ID             string
	OrganizationID string
	Host           string
	Port           int
	Protocol       string
	AgentID        *string
	CheckedAt      *time.Time
	LeafSHA256     string `gorm:"column:leaf_sha256"`
	NotAfter       *time.Time
	Error          string
	TrustStatus    string
	Problems       string
	// WindowEnd is when the renewal is overdue, UrgentAt when it is urgent.
	WindowEnd           *time.Time
	UrgentAt            *time.Time
	ConsecutiveFailures int
	FailingSince        *time.Time
	Tags                []string `gorm:"-"`
}

// OutboxRow is one notification waiting for, or done with, delivery.
type OutboxRow struct {
	ID             string
	OrganizationID string
	AlertID        string
	ChannelID      string
	Kind           string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	ClaimedBy      string
	ClaimedUntil   *time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time
}

// TableName keeps the outbox table's name singular.
func (OutboxRow) TableName() string { return "outbox" }

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// AlertFilter selects alert history.
type AlertFilter struct {
	Type     string
	DomainID string
	State    string
	// GroupID lists the endpoints of an agent's outage; without it or a
	// domain, the history leaves them out.
	GroupID string
}

// ListAlerts lists an organization's alert history, newest first.
func (s *Store) ListAlerts(ctx context.Context, orgID string, f AlertFilter, page Page) ([]Alert, int64, error) {
	q := s.db.WithContext(ctx).Model(&Alert{}).Where("organization_id = ?", orgID)
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if f.DomainID != "" {
		q = q.Where("domain_id = ?", f.DomainID)
	}
	switch {
	case f.GroupID != "":
		q = q.Where("group_id = ?", f.GroupID)
	case f.DomainID == "":
		// The history shows an agent's outage once, not its endpoints.
		q = q.Where("group_id IS NULL")
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count alerts: %w", err)
	}
	var out []Alert
	if err := q.Order("opened_at DESC, id").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list alerts: %w", err)
	}
	return out, total, nil
}

// Deliveries lists the outbox rows that carry the given alerts of the
// organization, with their attempts, oldest first. A row carrying several
// of them is listed once for each, with AlertID saying which.
func (s *Store) Deliveries(ctx context.Context, orgID string, alertIDs []string) ([]OutboxRow, map[string][]DeliveryAttempt, error) {
	if len(alertIDs) == 0 {
		return nil, nil, nil
	}
	db := s.db.WithContext(ctx)
	var rows []OutboxRow
	q := db.Table("outbox o").Select(`o.id, o.organization_id, oa.alert_id, o.channel_id, o.kind, o.payload, o.status, o.attempts,
		o.next_attempt_at, o.claimed_by, o.claimed_until, o.last_error, o.created_at, o.sent_at`).Joins("JOIN outbox_alerts oa ON oa.outbox_id = o.id").
		Where("o.organization_id = ? AND oa.alert_id IN ?", orgID, alertIDs)
	if err := q.Order("o.created_at, o.id").Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("store: deliveries: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	attempts := make(map[string][]DeliveryAttempt)
	if len(ids) > 0 {
		var list []DeliveryAttempt
		if err := db.Where("outbox_id IN ?", ids).Order("attempted_at, id").Find(&list).Error; err != nil {
			return nil, nil, fmt.Errorf("store: delivery attempts: %w", err)
		}
		for _, a := range list {
			attempts[a.OutboxID] = append(attempts[a.OutboxID], a)
		}
	}
	return rows, attempts, nil
}
