package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"
)

// defaultPostgresURL is the local server that `make test` provides
// (scripts/with-postgres.sh), used when TEST_DATABASE_URL is unset.
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// postgresSchema creates an empty schema and returns a DATABASE_URL whose
// connections use it, so the server's migrations run as on a new install and
// other tests' rows stay out of sight. The schema is dropped at cleanup.
//
// It uses psql rather than a Go driver: the agent module does not require
// one, and the end-to-end test must not add server dependencies to it.
func postgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = defaultPostgresURL
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	schema := "e2e_" + hex.EncodeToString(buf)
	if err := psql(base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres at %s: %v (set TEST_DATABASE_URL or run under scripts/with-postgres.sh)", u.Redacted(), err)
	}
	// Registered before the server starts, so it runs after the server's
	// cleanup has killed it and no connection holds the schema.
	t.Cleanup(func() {
		if err := psql(base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func psql(dbURL, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "psql", dbURL, "-X", "-v", "ON_ERROR_STOP=1", "-Atqc", sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("psql: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
