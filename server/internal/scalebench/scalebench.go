// Package scalebench measures the server at customer scale: it seeds an
// estate of organizations and domains into a fresh database, runs the real
// server binary on it, pushes rounds of check results through the agent
// protocol and times the reads of the dashboard, the API and /metrics. It
// reports; it asserts nothing about speed.
package scalebench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/glebarez/go-sqlite" // the "sqlite" driver, for checkpoints

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
)

// Config is one run.
type Config struct {
	// ServerBin is the certinel-server binary to run.
	ServerBin string
	Dialect   store.Dialect
	// AdminURL is a PostgreSQL server (any database on it) where the run
	// creates its own database; unused on SQLite.
	AdminURL string
	// WorkDir holds the server log and, on SQLite, the database.
	WorkDir       string
	Orgs          int
	DomainsPerOrg int
	// AgentsPerOrg share an organization's domains; 0 means one per
	// 10,000 domains, at most 10.
	AgentsPerOrg int
	// IngestWorkers is how many agents post at once.
	IngestWorkers int
	// Requests, QueryBudget and RequestTimeout bound the reads: each is
	// repeated up to Requests times while within QueryBudget.
	Requests       int
	QueryBudget    time.Duration
	RequestTimeout time.Duration
	// EvaluationWait bounds the wait for each scheduled evaluation pass
	// (they run every minute); 0 skips those figures.
	EvaluationWait time.Duration
	// Keep leaves the PostgreSQL database in place.
	Keep bool
	// Progress receives a line per phase.
	Progress io.Writer
}

func (c Config) agents() int {
	if c.AgentsPerOrg > 0 {
		return c.AgentsPerOrg
	}
	return min(10, max(1, c.DomainsPerOrg/10_000))
}

// Run performs the whole run and reports what it measured.
func Run(ctx context.Context, cfg Config) (Report, error) {
	rep := Report{Config: cfg, Started: time.Now().UTC(), LoadBefore: loadAverage()}
	phase := rep.phases(cfg.Progress)

	f, err := newFleet(cfg.Orgs, cfg.DomainsPerOrg, cfg.agents(), time.Now().UTC())
	if err != nil {
		return rep, err
	}
	phase("issue certificates")

	// The server seals channel settings with this key; seeding writes the
	// default email channel of every organization.
	keyFile := filepath.Join(cfg.WorkDir, "secret.key")
	keys, err := secret.GenerateKeyFile(keyFile)
	if err != nil {
		return rep, err
	}
	var db *database
	env := []string{"CERTINEL_SECRET_KEY_FILE=" + keyFile}
	var st *store.Store
	dataDir := filepath.Join(cfg.WorkDir, "data")
	switch cfg.Dialect {
	case store.Postgres:
		if db, err = createDatabase(ctx, cfg.AdminURL); err != nil {
			return rep, err
		}
		defer func() {
			if err := db.drop(context.WithoutCancel(ctx), cfg.Keep); err != nil {
				fmt.Fprintln(cfg.Progress, err)
			}
		}()
		rep.Database = db.name
		env = append(env, "DATABASE_URL="+db.url)
		st, err = store.OpenPostgres(db.url, store.Options{})
	case store.SQLite:
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return rep, fmt.Errorf("scalebench: data dir: %w", err)
		}
		env = append(env, "CERTINEL_DATA_DIR="+dataDir)
		st, err = store.OpenSQLite(filepath.Join(dataDir, "certinel.db"), store.Options{})
	default:
		return rep, fmt.Errorf("scalebench: unknown dialect %q", cfg.Dialect)
	}
	if err != nil {
		return rep, err
	}
	creds, err := seedStore(ctx, st.WithKeys(keys), f, cfg)
	if err != nil {
		return rep, err
	}
	phase("seed organizations, tokens, agents and domains")

	srv, err := startServer(ctx, cfg.ServerBin, cfg.WorkDir, env)
	if err != nil {
		return rep, err
	}
	defer srv.stop()
	phase("start server")

	client := &http.Client{Timeout: cfg.RequestTimeout}
	in := &ingester{client: client, baseURL: srv.url, fleet: f, batches: batches(f, creds), workers: cfg.IngestWorkers}
	size := func() (int64, error) {
		if db != nil {
			return db.size(ctx)
		}
		return sqliteSize(ctx, dataDir)
	}
	for n, kind := range []roundKind{firstRound, laterRound, laterRound} {
		if n == 1 {
			if err := f.renew(); err != nil {
				return rep, err
			}
		}
		before, err := size()
		if err != nil {
			return rep, err
		}
		r, err := measureRound(ctx, in, srv, db, kind, n+1)
		if err != nil {
			return rep, err
		}
		after, err := size()
		if err != nil {
			return rep, err
		}
		r.Growth = after - before
		rep.Rounds = append(rep.Rounds, r)
		phase(fmt.Sprintf("ingest round %d", n+1))
	}

	if cfg.EvaluationWait > 0 {
		if err := rep.measureEvaluation(ctx, srv, cfg.EvaluationWait); err != nil {
			return rep, err
		}
		phase("wait for two scheduled evaluation passes")
	}
	if rep.MemoryAfterEvaluation.RSS == 0 {
		if rep.MemoryAfterEvaluation, err = memoryOf(srv.pid()); err != nil {
			return rep, err
		}
	}

	rd := &reader{client: client, baseURL: srv.url, token: creds[0].read, requests: cfg.Requests, budget: cfg.QueryBudget}
	rep.Reads = rd.measureReads(ctx)
	phase("measure reads")
	if rep.MemoryAtEnd, err = memoryOf(srv.pid()); err != nil {
		return rep, err
	}
	rep.LoadAfter = loadAverage()
	return rep, nil
}

// seedStore migrates the fresh database, seeds it and closes the store,
// so that the server is the only one using it while measured.
func seedStore(ctx context.Context, st *store.Store, f *fleet, cfg Config) ([]credentials, error) {
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	workers := 4
	if cfg.Dialect == store.SQLite {
		workers = 1
	}
	return seed(ctx, st, f, cfg.agents(), workers)
}

// measureRound runs one ingest round with the server's and PostgreSQL's
// CPU metered around it.
func measureRound(ctx context.Context, in *ingester, srv *serverProcess, db *database, kind roundKind, n int) (roundResult, error) {
	var meter *backendMeter
	if db != nil {
		var err error
		if meter, err = db.meterBackends(ctx, 250*time.Millisecond); err != nil {
			return roundResult{}, err
		}
	}
	cpuBefore, err := cpuTime(srv.pid())
	if err != nil {
		return roundResult{}, err
	}
	r, err := in.round(ctx, kind, n)
	cpuAfter, cpuErr := cpuTime(srv.pid())
	if meter != nil {
		r.DatabaseCPU = meter.total(ctx)
	}
	if err != nil {
		return r, err
	}
	if cpuErr != nil {
		return r, cpuErr
	}
	r.ServerCPU = cpuAfter - cpuBefore
	return r, nil
}

// measureEvaluation waits for the first scheduled pass that starts after
// the ingest (it may still have alerts to record), reads the server's
// memory, then waits for the next one, which has nothing due.
func (rep *Report) measureEvaluation(ctx context.Context, srv *serverProcess, wait time.Duration) error {
	first, err := srv.waitEvaluation(ctx, time.Now(), wait)
	if err != nil {
		return err
	}
	if rep.MemoryAfterEvaluation, err = memoryOf(srv.pid()); err != nil {
		return err
	}
	second, err := srv.waitEvaluation(ctx, first.Start.Add(first.Duration), wait)
	if err != nil {
		return err
	}
	rep.Evaluations = []evaluationPass{first, second}
	return nil
}

// sqliteSize moves the write-ahead log into the database file and adds up
// the files of the data directory.
func sqliteSize(ctx context.Context, dir string) (int64, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "certinel.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, fmt.Errorf("scalebench: open sqlite: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, fmt.Errorf("scalebench: sqlite checkpoint: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("scalebench: data dir size: %w", err)
	}
	var n int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return 0, fmt.Errorf("scalebench: data dir size: %w", err)
		}
		n += info.Size()
	}
	return n, nil
}

// loadAverage is the first line of /proc/loadavg: the machine is shared.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	return strings.Join(f[:min(3, len(f))], " ")
}
