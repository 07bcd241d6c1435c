package store

import (
	"context"
	"fmt"
	"slices"
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
// A claim retried after its connection broke is harmless: if the first one
// was applied unseen, its rows were not sent and wait for their lease.
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
	err := s.retryBroken(ctx, func(db *gorm.DB) error {
		rows = nil
		return db.Raw(sql, holder, now.Add(lease), OutboxSending,
			OutboxPending, OutboxSending, now, now, limit).Scan(&rows).Error
	})
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

// FinishDelivery records an attempt for each of the rows holder claimed
// (as ClaimOutbox returned them) and moves them to sent, back to pending,
// or to failed. A row is settled only while it is still in the very claim
// it was sent under (holder, status sending, and the attempt count it was
// claimed with), so a retry after a broken connection, or a late call,
// never records an attempt twice or overwrites someone else's claim. That
// makes the whole step safe to retry on a fresh connection, which it is.
func (s *Store) FinishDelivery(ctx context.Context, holder string, rows []OutboxRow, d Delivery) error {
	now := s.now()
	set, args := "attempts = attempts + 1, claimed_until = NULL, last_error = ?, status = ?", []any{d.Err}
	switch {
	case d.OK:
		set += ", sent_at = ?"
		args = append(args, OutboxSent, now)
	case d.Retry.IsZero():
		args = append(args, OutboxFailed)
	default:
		set += ", next_attempt_at = ?"
		args = append(args, OutboxPending, d.Retry)
	}
	byAttempts := make(map[int][]string)
	for _, r := range rows {
		byAttempts[r.Attempts] = append(byAttempts[r.Attempts], r.ID)
	}
	sql := "UPDATE outbox SET " + set + " WHERE id IN ? AND claimed_by = ? AND status = ? AND attempts = ? RETURNING id"
	err := s.retryBroken(ctx, func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			var settled []string
			for attempts, ids := range byAttempts {
				var got []string
				if err := tx.Raw(sql, slices.Concat(args, []any{ids, holder, OutboxSending, attempts})...).Scan(&got).Error; err != nil {
					return fmt.Errorf("update rows: %w", err)
				}
				settled = append(settled, got...)
			}
			if len(settled) == 0 {
				return nil
			}
			attempts := make([]DeliveryAttempt, len(settled))
			for i, id := range settled {
				attempts[i] = DeliveryAttempt{ID: NewID(), OutboxID: id, AttemptedAt: now, OK: d.OK, Error: d.Err,
					DurationMS: d.Duration.Milliseconds(), ClaimedBy: holder}
			}
			if err := tx.Create(&attempts).Error; err != nil {
				return fmt.Errorf("delivery attempts: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("store: finish delivery: %w", err)
	}
	return nil
}
