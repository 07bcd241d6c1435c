// Package storetest gives tests a freshly migrated store of each dialect.
// PostgreSQL comes from TEST_DATABASE_URL (default: the local server on
// 127.0.0.1:5432, database test); each test gets its own schema, dropped
// at the end, so tests never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
)

// DefaultPostgresURL is used when TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Open returns a migrated store of the given dialect, closed at cleanup,
// sealing channel configs with a key of its own (Keys).
func Open(t testing.TB, d store.Dialect, opts store.Options) *store.Store {
	t.Helper()
	SkipUnlessSelected(t, d)
	var s *store.Store
	var err error
	var schemaURL string
	switch d {
	case store.SQLite:
		path := filepath.Join(t.TempDir(), "test.db")
		if err := sqliteCopy(path); err != nil {
			t.Logf("migrating anew: %v", err)
		}
		s, err = store.OpenSQLite(path, opts)
	case store.Postgres:
		u, cerr := postgresCopy(baseURL(), t.Cleanup)
		if cerr != nil {
			// A role that may not create databases still gets a schema.
			t.Logf("migrating anew in a schema: %v", cerr)
			u = PostgresSchemaURL(t)
		}
		s, err = store.OpenPostgres(u, opts)
		schemaURL = u
	}
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	s = migrate(t, s)
	if schemaURL != "" {
		// Registered as returned (migrate gives a store with keys), so
		// that Analyze finds it.
		schemaURLs.Store(s, schemaURL)
		t.Cleanup(func() { schemaURLs.Delete(s) })
	}
	return s
}

// schemaURLs maps a PostgreSQL store from Open to its schema's URL.
var schemaURLs sync.Map

// Analyze refreshes the planner's statistics of a store from Open, as
// autovacuum does a minute after a bulk load: benchmarks call it after
// seeding so they time the steady state, not a table's first minute.
func Analyze(t testing.TB, s *store.Store) {
	t.Helper()
	u, ok := schemaURLs.Load(s)
	if !ok {
		return // SQLite, or a store Open did not make
	}
	db, err := sql.Open("pgx", u.(string))
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	defer db.Close()
	var tables string
	err = db.QueryRow("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables)
	if err != nil {
		t.Fatalf("analyze: list tables: %v", err)
	}
	if _, err := db.Exec("ANALYZE " + tables); err != nil {
		t.Fatalf("analyze: %v", err)
	}
}

// OpenPostgresURL is Open on PostgreSQL at dsn, a URL from
// PostgresSchemaURL that the test changed: to name its connections
// (application_name), so it can find exactly its own backends on a server
// other tests share, or to reach the server through a proxy it controls.
func OpenPostgresURL(t testing.TB, dsn string, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.OpenPostgres(dsn, opts)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	return migrate(t, s)
}

func migrate(t testing.TB, s *store.Store) *store.Store {
	t.Helper()
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", s.Dialect(), err)
	}
	return s.WithKeys(Keys(t))
}

// Keys returns a keyring of the given keys, current first, or of one new
// key when none is given.
func Keys(t testing.TB, keys ...[]byte) *secret.Keyring {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{Key()}
	}
	k, err := secret.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Key returns a new random key.
func Key() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return key
}

// PostgresSchemaURL creates an empty schema and returns a URL whose
// connections use it; the schema is dropped at cleanup.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	SkipUnlessSelected(t, store.Postgres)
	base := baseURL()
	schema := "t_" + randomHex(6)

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres at %s: create schema: %v (set TEST_DATABASE_URL or run `make test`, which starts a server)", redact(base), err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// baseURL is the PostgreSQL server tests use.
func baseURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// WithParam returns the URL dsn with the query parameter key set to value,
// as a test names its connections (application_name) to find its backends.
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("postgres URL: %v", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
