package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Two kinds of failure say nothing about the statement and pass when tried
// again: a broken connection (a killed backend, a failover, a proxy that
// dropped its clients; the pool dials a fresh one) and a transaction that
// PostgreSQL aborted because it waited on another in a cycle (40P01) or
// could not be serialized with it (40001). Five tries with doubling pauses
// take about a second; longer outages are the caller's to handle.
const (
	retryAttempts = 5
	retryPause    = 30 * time.Millisecond
)

// retryBroken runs fn, and runs it again on a fresh connection while it
// fails because its connection broke. fn must be idempotent: a statement
// that reached the server before the connection broke may have been applied
// (a COMMIT whose answer was lost), and fn then runs a second time.
func (s *Store) retryBroken(ctx context.Context, fn func(db *gorm.DB) error) error {
	return retry(ctx, brokenConn, func() error { return fn(s.db.WithContext(ctx)) })
}

// transact runs fn in a transaction, and runs it again from the start when
// the database aborted it for a conflict with a concurrent transaction or
// its connection broke. fn must depend only on its arguments and the
// database, as a rolled-back attempt leaves nothing behind; and a commit
// whose answer was lost must be recognisable when fn runs again (a batch
// marker, an upsert).
func (s *Store) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	again := func(err error) bool { return isTxConflict(err) || brokenConn(err) }
	return retry(ctx, again, func() error { return s.db.WithContext(ctx).Transaction(fn) })
}

// retry runs fn up to retryAttempts times while it fails with an error that
// again accepts. Pauses double, with full jitter so that transactions that
// collided do not start again in step.
func retry(ctx context.Context, again func(error) bool, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == retryAttempts || !again(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(rand.Int64N(int64(retryPause << (attempt - 1))))):
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

// brokenConn reports whether err says the connection failed rather than
// the statement: the server ended the session (terminated backend,
// shutdown, failover: SQLSTATE class 08, 57P01-57P03), or the socket broke.
func brokenConn(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var opErr *net.OpError
	return pgconn.SafeToRetry(err) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &opErr)
}
