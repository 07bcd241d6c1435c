package store

import "context"

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
