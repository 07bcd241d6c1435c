package scalebench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
)

// target is the fresh database of a run and how the server is pointed at
// it.
type target struct {
	// seeder writes the estate before the server starts (seedStore closes it).
	seeder *store.Store
	// env configures the server: its database and its secret key.
	env []string
	// db is the PostgreSQL database; nil on SQLite, whose files are in dataDir.
	db      *database
	dataDir string
	// analyzes is set when PostgreSQL runs without autovacuum: the harness
	// then analyzes during ingest rounds, as autovacuum would.
	analyzes bool
}

// openTarget creates the run's database: a new PostgreSQL database on the
// server of cfg.AdminURL, or a new SQLite file in the work directory.
func openTarget(ctx context.Context, cfg Config) (*target, error) {
	// The server seals channel settings with this key, and seeding writes
	// the default email channel of every organization.
	keyFile := filepath.Join(cfg.WorkDir, "secret.key")
	keys, err := secret.GenerateKeyFile(keyFile)
	if err != nil {
		return nil, err
	}
	t := &target{env: []string{"CERTINEL_SECRET_KEY_FILE=" + keyFile}, dataDir: filepath.Join(cfg.WorkDir, "data")}
	var st *store.Store
	switch cfg.Dialect {
	case store.Postgres:
		if t.db, err = createDatabase(ctx, cfg.AdminURL); err != nil {
			return nil, err
		}
		t.env = append(t.env, "DATABASE_URL="+t.db.url)
		if t.analyzes, err = t.db.autovacuumOff(ctx); err != nil {
			t.close(ctx, cfg)
			return nil, err
		}
		st, err = store.OpenPostgres(seedURL(t.db.url), store.Options{})
	case store.SQLite:
		if err := os.MkdirAll(t.dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("scalebench: data dir: %w", err)
		}
		t.env = append(t.env, "CERTINEL_DATA_DIR="+t.dataDir)
		st, err = store.OpenSQLite(filepath.Join(t.dataDir, "certinel.db"), store.Options{})
	default:
		return nil, fmt.Errorf("scalebench: unknown dialect %q", cfg.Dialect)
	}
	if err != nil {
		t.close(ctx, cfg)
		return nil, err
	}
	t.seeder = st.WithKeys(keys)
	return t, nil
}

// name is the PostgreSQL database's name, empty on SQLite.
func (t *target) name() string {
	if t.db == nil {
		return ""
	}
	return t.db.name
}

// close drops the PostgreSQL database unless cfg.Keep.
func (t *target) close(ctx context.Context, cfg Config) {
	if t.db == nil {
		return
	}
	if err := t.db.drop(ctx, cfg.Keep); err != nil && cfg.Progress != nil {
		fmt.Fprintln(cfg.Progress, err)
	}
}

// size is the database's size on disk once the server has stopped writing
// (see waitQuiet and sqliteSize), and whether it had.
func (t *target) size(ctx context.Context) (int64, bool, error) {
	if t.db != nil {
		return t.db.size(ctx)
	}
	return sqliteSize(ctx, filepath.Join(t.dataDir, "certinel.db"))
}
