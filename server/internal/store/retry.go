package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// How often, and with which first pause (doubled each time), retryBroken
// tries again. About a second in all: enough for the pool to dial a fresh
// connection after a backend was killed or a proxy dropped its clients;
// longer outages are the caller's to handle.
const (
	brokenRetries    = 5
	brokenRetryPause = 30 * time.Millisecond
)

// retryBroken runs fn, and runs it again on a fresh connection while it
// fails because its connection broke. fn must be idempotent: a statement
// that reached the server before the connection broke may have been applied
// (a COMMIT whose answer was lost), and fn then runs a second time.
func (s *Store) retryBroken(ctx context.Context, fn func(db *gorm.DB) error) error {
	pause := brokenRetryPause
	for try := 1; ; try++ {
		err := fn(s.db.WithContext(ctx))
		if err == nil || try == brokenRetries || !brokenConn(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause *= 2
	}
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
