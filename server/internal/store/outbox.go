package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DeliveryAttempt records one try to send an outbox row.
type DeliveryAttempt struct {
	ID          string
	OutboxID    string
	AttemptedAt time.Time
	OK          bool `gorm:"column:ok"`
	Error       string
	DurationMS  int64 `gorm:"column:duration_ms"`
	ClaimedBy   string
}

// ClaimOutbox takes up to limit due rows for holder until the lease ends.
// On PostgreSQL, FOR UPDATE SKIP LOCKED lets replicas claim side by side
// without ever taking the same row; SQLite has a single writer anyway.
func (s *Store) ClaimOutbox(ctx context.Context, holder string, limit int, lease time.Duration) ([]OutboxRow, error) {
	now := s.now()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	sql := `UPDATE outbox SET claimed_by = ?, claimed_until = ?, status = ?
		WHERE id IN (SELECT id FROM outbox
			WHERE status IN (?, ?) AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?` + lock + `)
		RETURNING *`
	var rows []OutboxRow
	err := s.db.WithContext(ctx).Raw(sql, holder, now.Add(lease), OutboxSending,
		OutboxPending, OutboxSending, now, now, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	return rows, nil
}

// Delivery is the outcome of sending claimed rows.
type Delivery struct {
	OK       bool
	Err      string
	Duration time.Duration
	// Retry is when to try again; zero with !OK means give up (failed).
	Retry time.Time
}

// FinishDelivery records an attempt for each row and moves it to sent,
// back to pending, or to failed. Rows whose claim passed to someone else
// are left alone.
func (s *Store) FinishDelivery(ctx context.Context, holder string, ids []string, d Delivery) error {
	now := s.now()
	updates := map[string]any{"attempts": gorm.Expr("attempts + 1"), "claimed_until": nil, "last_error": d.Err}
	switch {
	case d.OK:
		updates["status"], updates["sent_at"] = OutboxSent, now
	case d.Retry.IsZero():
		updates["status"] = OutboxFailed
	default:
		updates["status"], updates["next_attempt_at"] = OutboxPending, d.Retry
	}
	attempts := make([]DeliveryAttempt, len(ids))
	for i, id := range ids {
		attempts[i] = DeliveryAttempt{ID: NewID(), OutboxID: id, AttemptedAt: now, OK: d.OK, Error: d.Err,
			DurationMS: d.Duration.Milliseconds(), ClaimedBy: holder}
	}
	tx := s.db.WithContext(ctx).Begin()
	if err := tx.Model(&OutboxRow{}).Where("id IN ? AND claimed_by = ?", ids, holder).Updates(updates).Error; err != nil {
		tx.Rollback()
		return fmt.Errorf("store: finish delivery: %w", err)
	}
	if err := tx.Create(&attempts).Error; err != nil {
		tx.Rollback()
		return fmt.Errorf("store: delivery attempts: %w", err)
	}
	if err := tx.Commit().Error; err != nil {
		return fmt.Errorf("store: finish delivery: %w", err)
	}
	return nil
}
