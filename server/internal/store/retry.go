package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// A transaction that PostgreSQL aborted because it waited on another in a
// cycle (40P01) or could not be serialized with it (40001) did nothing
// wrong: run again, it succeeds. The bound keeps a request from spinning
// when the contention does not pass.
const (
	txAttempts = 5
	txBackoff  = 25 * time.Millisecond
)

// transact runs fn in a transaction, and runs it again from the start, up
// to txAttempts times in all, when the database aborted it for a conflict
// with a concurrent transaction. fn must depend only on its arguments and
// the database, as a rolled-back attempt leaves nothing behind.
func (s *Store) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := s.db.WithContext(ctx).Transaction(fn)
		if err == nil || attempt == txAttempts || !isTxConflict(err) {
			return err
		}
		// Full jitter over a doubling window, so that the transactions
		// that collided do not start again in step.
		wait := time.Duration(rand.Int64N(int64(txBackoff << (attempt - 1))))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// isTxConflict recognises PostgreSQL's deadlock and serialization
// failures. SQLite has none to retry: its single connection queues writers
// (see OpenSQLite).
func isTxConflict(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}
