package store

import (
	"context"
	"strings"
)

// RawChannelConfig reads a channel's config column as stored, for tests that
// check what the database holds.
func RawChannelConfig(ctx context.Context, s *Store, id string) (string, error) {
	var cfg string
	err := s.db.WithContext(ctx).Raw("SELECT config FROM channels WHERE id = ?", id).Scan(&cfg).Error
	return cfg, err
}

// SetRawChannelConfig writes a channel's config column as is, as a server
// from before encryption (or someone with database access) would.
func SetRawChannelConfig(ctx context.Context, s *Store, id, cfg string) error {
	return s.db.WithContext(ctx).Model(&Channel{}).Where("id = ?", id).UpdateColumn("config", cfg).Error
}

// CountRows counts the rows of a table, for tests of what is kept.
func CountRows(ctx context.Context, s *Store, table string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table(table).Count(&n).Error
	return n, err
}

// DatabaseBytes vacuums the PostgreSQL schema of s and answers the size of
// all its tables with their indexes and TOAST, for benchmarks of growth.
func DatabaseBytes(ctx context.Context, s *Store) (int64, error) {
	var tables []string
	if err := s.db.WithContext(ctx).Raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables).Error; err != nil {
		return 0, err
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM ANALYZE " + strings.Join(tables, ", ")).Error; err != nil {
		return 0, err
	}
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
		JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n).Error
	return n, err
}

// MakeLegacySample makes an observation look as one stored before
// change-only history: no last-seen time, no sample key.
func MakeLegacySample(ctx context.Context, s *Store, id string) error {
	return s.db.WithContext(ctx).Exec("UPDATE observations SET last_observed_at = NULL, sample_key = '' WHERE id = ?", id).Error
}
