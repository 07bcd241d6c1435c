package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	DomainID       *string
	AgentID        *string
	Type           string
	DedupKey       string
	State          string
	// Payload is the event as notifications carry it (JSON).
	Payload    string
	OpenedAt   time.Time
	ResolvedAt *time.Time
}

// NewAlert is an alert to record with the channels to notify.
type NewAlert struct {
	Alert      Alert
	ChannelIDs []string
}

// Resolution closes open alerts with one notice.
type Resolution struct {
	AlertIDs []string
	Notice   NewAlert
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

// RecordAlerts writes fired alerts and resolutions with their outbox rows
// in one transaction. An alert whose dedup key exists already is skipped
// (another pass or replica recorded it), and so is its notification. It
// returns how many alerts and resolutions were new.
func (s *Store) RecordAlerts(ctx context.Context, fired []NewAlert, resolved []Resolution) (int, error) {
	now := s.now()
	recorded := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		notices := make([]NewAlert, len(resolved))
		for i, r := range resolved {
			notices[i] = r.Notice
		}
		newFired, err := insertAlerts(tx, fired)
		if err != nil {
			return err
		}
		newNotices, err := insertAlerts(tx, notices)
		if err != nil {
			return err
		}
		var closing []string
		for _, r := range resolved {
			if newNotices[r.Notice.Alert.ID] {
				closing = append(closing, r.AlertIDs...)
			}
		}
		for start := 0; start < len(closing); start += observationBatch {
			chunk := closing[start:min(start+observationBatch, len(closing))]
			if err := tx.Model(&Alert{}).Where("id IN ? AND state = ?", chunk, AlertOpen).
				Updates(map[string]any{"state": AlertResolved, "resolved_at": now}).Error; err != nil {
				return fmt.Errorf("resolve alerts: %w", err)
			}
		}
		var rows []OutboxRow
		for _, list := range [][]NewAlert{fired, notices} {
			for _, a := range list {
				if !newFired[a.Alert.ID] && !newNotices[a.Alert.ID] {
					continue
				}
				recorded++
				for _, ch := range a.ChannelIDs {
					rows = append(rows, OutboxRow{ID: NewID(), OrganizationID: a.Alert.OrganizationID, AlertID: a.Alert.ID,
						ChannelID: ch, Kind: a.Alert.Type, Payload: a.Alert.Payload, Status: OutboxPending,
						NextAttemptAt: now, CreatedAt: now})
				}
			}
		}
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(rows, observationBatch).Error; err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: record alerts: %w", err)
	}
	return recorded, nil
}

// insertAlerts inserts what is new and reports which IDs it wrote.
func insertAlerts(tx *gorm.DB, list []NewAlert) (map[string]bool, error) {
	inserted := make(map[string]bool)
	for start := 0; start < len(list); start += observationBatch {
		chunk := list[start:min(start+observationBatch, len(list))]
		rows := make([]Alert, len(chunk))
		ids := make([]string, len(chunk))
		for i, a := range chunk {
			rows[i], ids[i] = a.Alert, a.Alert.ID
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		var got []string
		if err := tx.Model(&Alert{}).Where("id IN ?", ids).Pluck("id", &got).Error; err != nil {
			return nil, fmt.Errorf("alerts written: %w", err)
		}
		for _, id := range got {
			inserted[id] = true
		}
	}
	return inserted, nil
}

// AlertFilter selects alert history.
type AlertFilter struct {
	Type     string
	DomainID string
	State    string
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

// Deliveries lists the outbox rows of the given alerts of the
// organization, with their attempts, oldest first.
func (s *Store) Deliveries(ctx context.Context, orgID string, alertIDs []string) ([]OutboxRow, map[string][]DeliveryAttempt, error) {
	if len(alertIDs) == 0 {
		return nil, nil, nil
	}
	db := s.db.WithContext(ctx)
	var rows []OutboxRow
	if err := db.Where("organization_id = ? AND alert_id IN ?", orgID, alertIDs).Order("created_at, id").Find(&rows).Error; err != nil {
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
