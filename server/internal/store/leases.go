package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// JobLease is held by the replica that runs a periodic job's current tick.
type JobLease struct {
	Name      string `gorm:"primaryKey"`
	Holder    string
	ExpiresAt time.Time
}

// TryLease takes the named lease for ttl when it is free or expired, in one
// statement, so that of several replicas ticking together exactly one wins.
func (s *Store) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	lease := JobLease{Name: name, Holder: holder, ExpiresAt: now.Add(ttl)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"holder", "expires_at"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "job_leases.expires_at <= ?", Vars: []any{now}}}},
	}).Create(&lease)
	if res.Error != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}
