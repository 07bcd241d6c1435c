package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
)

// Migrating a store takes seconds under the race detector (SQLite runs as
// instrumented Go) and on a busy PostgreSQL, and hundreds of tests open
// one. So each dialect's migrations are applied once, to a template named
// by their digest, and every test gets a copy of it: a file copy on
// SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL. Templates outlive the
// test process; a new set of migrations makes a new one.

var sqliteTemplate struct {
	once sync.Once
	db   []byte
	err  error
}

// sqliteCopy writes a migrated SQLite database to path.
func sqliteCopy(path string) error {
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.db, sqliteTemplate.err = migratedSQLite()
	})
	if sqliteTemplate.err != nil {
		return sqliteTemplate.err
	}
	return os.WriteFile(path, sqliteTemplate.db, 0o600)
}

// migratedSQLite returns the bytes of a freshly migrated SQLite database,
// kept in the system's temporary directory for the next test process.
func migratedSQLite() ([]byte, error) {
	digest, err := store.MigrationsDigest(store.SQLite)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(os.TempDir(), "certinel-test-template-"+digest[:16]+".db")
	if b, err := os.ReadFile(path); err == nil {
		return b, nil
	}
	dir, err := os.MkdirTemp("", "certinel-template-")
	if err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "template.db")
	s, err := store.OpenSQLite(tmp, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err = s.Migrate(ctx)
	// Closing the last connection checkpoints the write-ahead log into the
	// database file, which is then complete on its own.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return nil, errors.New("sqlite template: the write-ahead log outlived the close")
	}
	b, err := os.ReadFile(tmp)
	if err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	// Another process may have made it meanwhile: either copy is whole.
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	return b, nil
}

var postgresTemplate struct {
	once sync.Once
	name string
	err  error
}

// postgresCopy creates a database copied from a migrated template on the
// server at base and returns its URL; the database is dropped at cleanup.
func postgresCopy(base string, cleanup func(func())) (string, error) {
	postgresTemplate.once.Do(func() {
		postgresTemplate.name, postgresTemplate.err = migratedPostgres(base)
	})
	if postgresTemplate.err != nil {
		return "", postgresTemplate.err
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	name := "certinel_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + postgresTemplate.name); err != nil {
		return "", fmt.Errorf("postgres: copy template: %w", err)
	}
	cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return withDatabase(base, name)
}

// migratedPostgres returns the name of a migrated template database on the
// server at base, making it when none of this digest exists. An advisory
// lock keeps concurrent test processes from making it twice; a template is
// migrated under a temporary name and renamed when complete, so a process
// that dies half-way leaves nothing that looks ready.
func migratedPostgres(base string) (string, error) {
	digest, err := store.MigrationsDigest(store.Postgres)
	if err != nil {
		return "", err
	}
	name := "certinel_template_" + digest[:16]
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("postgres template: %w", err)
	}
	defer conn.Close()
	const lockKey = 0x63657274696e656c // "certinel"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return "", fmt.Errorf("postgres template: lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey) //nolint:errcheck // the session ends anyway
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("postgres template: %w", err)
	}
	if exists {
		return name, nil
	}
	building := name + "_" + randomHex(4)
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", fmt.Errorf("postgres template: %w", err)
	}
	u, err := withDatabase(base, building)
	if err != nil {
		return "", err
	}
	s, err := store.OpenPostgres(u, store.Options{})
	if err != nil {
		return "", fmt.Errorf("postgres template: %w", err)
	}
	err = s.Migrate(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
	}
	if err != nil {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return "", fmt.Errorf("postgres template: %w", err)
	}
	return name, nil
}

// withDatabase returns base with its database replaced by name.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("TEST_DATABASE_URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
