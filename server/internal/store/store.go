// Package store is the only package that talks to the database. Every method
// that touches customer data takes the organization first, so tenant scoping
// is visible in each query.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/google/uuid"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"certinel.dev/server/internal/secret"
)

// Sentinel errors of the store; the HTTP layer maps them to statuses.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store wraps the GORM handle.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	now     func() time.Time
	// keys seal channel configs; nil until WithKeys, as main can only pick
	// them after looking at the database (see SecretsStored).
	keys *secret.Keyring
}

// Options tunes Open; the zero value is fine.
type Options struct {
	// Now replaces the clock (tests that age certificates).
	Now func() time.Time
	// Statements, when set, counts the SQL statements issued (benchmarks
	// report queries per operation).
	Statements *atomic.Int64
}

// OpenSQLite opens (creating if needed) the embedded database file.
func OpenSQLite(path string, opts Options) (*Store, error) {
	dsn := path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	db, err := gorm.Open(sqlite.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: sqlite handle: %w", err)
	}
	// SQLite has one writer; a single connection turns lock contention into
	// queueing instead of SQLITE_BUSY errors.
	sqlDB.SetMaxOpenConns(1)
	return newStore(db, SQLite, opts), nil
}

// OpenPostgres connects to PostgreSQL.
func OpenPostgres(dsn string, opts Options) (*Store, error) {
	db, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: postgres handle: %w", err)
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return newStore(db, Postgres, opts), nil
}

// AutovacuumOff tells whether PostgreSQL runs without autovacuum, which
// leaves the statistics of growing tables stale until someone runs ANALYZE;
// always false on SQLite.
func (s *Store) AutovacuumOff(ctx context.Context) (bool, error) {
	if s.dialect != Postgres {
		return false, nil
	}
	var on string
	if err := s.db.WithContext(ctx).Raw("SHOW autovacuum").Scan(&on).Error; err != nil {
		return false, fmt.Errorf("store: show autovacuum: %w", err)
	}
	return on == "off", nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

func newStore(db *gorm.DB, d Dialect, opts Options) *Store {
	if c := opts.Statements; c != nil {
		count := func(*gorm.DB) { c.Add(1) }
		cb := db.Callback()
		_ = cb.Query().After("gorm:query").Register("certinel:count", count)
		_ = cb.Create().After("gorm:create").Register("certinel:count", count)
		_ = cb.Update().After("gorm:update").Register("certinel:count", count)
		_ = cb.Delete().After("gorm:delete").Register("certinel:count", count)
		_ = cb.Row().After("gorm:row").Register("certinel:count", count)
		_ = cb.Raw().After("gorm:raw").Register("certinel:count", count)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, dialect: d, now: func() time.Time { return now().UTC() }}
}

// WithKeys returns the store sealing and opening channel configs with keys;
// both stores share one connection pool.
func (s *Store) WithKeys(keys *secret.Keyring) *Store {
	out := *s
	out.keys = keys
	return &out
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Now is the store's clock, UTC.
func (s *Store) Now() time.Time { return s.now() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return sqlDB.Close()
}

// NewID returns a random, time-ordered identifier. IDs are UUIDs so that
// they reveal nothing about other tenants' row counts.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// isUniqueViolation recognises duplicate-key errors of both databases.
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "UNIQUE constraint failed")
}

// notFound turns GORM's record-not-found into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// affected turns a write that touched no row into ErrNotFound.
func affected(res *gorm.DB) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// lockForUpdate locks the selected rows until the transaction ends.
var lockForUpdate = clause.Locking{Strength: "UPDATE"}
