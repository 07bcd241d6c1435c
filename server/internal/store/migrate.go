package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The two dialects differ in column types only, so each keeps its own copy
// of every migration, numbered alike. Migrations are append-only.
//
//go:embed migrations
var migrations embed.FS

// Migrate applies every pending migration, each in its own transaction,
// then plans the renewals of states stored before windows existed and
// keys the hosts stored before natural sorting.
func (s *Store) Migrate(ctx context.Context) error {
	provider, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := s.backfillRenewalPlans(ctx); err != nil {
		return err
	}
	if err := s.backfillAgentRenewBy(ctx); err != nil {
		return err
	}
	return s.backfillHostKeys(ctx)
}

// MigrationsDigest identifies the dialect's set of migrations: a database
// migrated by one build serves as a copy source for another build with the
// same digest (tests clone a migrated template instead of migrating anew).
func MigrationsDigest(d Dialect) (string, error) {
	h := sha256.New()
	root := "migrations/" + string(d)
	err := fs.WalkDir(migrations, root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: digest of %s migrations: %w", d, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// migrations is the goose provider of the store's dialect.
func (s *Store) migrations() (*goose.Provider, error) {
	dialect := goose.DialectPostgres
	if s.dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	dir, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("store: migrations for %s: %w", s.dialect, err)
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		// Replicas starting together must not apply the same migration twice.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	provider, err := goose.NewProvider(dialect, sqlDB, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	return provider, nil
}
