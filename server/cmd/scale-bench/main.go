// Command scale-bench measures the server at customer scale (see package
// scalebench) and prints the figures as markdown tables.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"certinel.dev/server/internal/scalebench"
	"certinel.dev/server/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scale-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := scalebench.Config{Progress: os.Stderr}
	var dialect string
	flag.StringVar(&cfg.ServerBin, "server", "bin/certinel-server", "the certinel-server binary to run")
	flag.StringVar(&dialect, "dialect", "postgres", "postgres or sqlite")
	flag.StringVar(&cfg.AdminURL, "database-url", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL server where the run creates its own database (default $TEST_DATABASE_URL)")
	flag.StringVar(&cfg.WorkDir, "workdir", "", "directory for the server log and the SQLite database (default: a new temporary directory)")
	flag.IntVar(&cfg.Orgs, "orgs", 1, "organizations")
	flag.IntVar(&cfg.DomainsPerOrg, "domains", 100_000, "domains per organization")
	flag.IntVar(&cfg.AgentsPerOrg, "agents", 0, "agents per organization (0: one per 10,000 domains, at most 10)")
	flag.IntVar(&cfg.IngestWorkers, "ingest-workers", 4, "agents posting results at once")
	flag.IntVar(&cfg.Rounds, "rounds", 4, "ingest rounds to run, 0 to 4 (all new; some renewed; all unchanged; unchanged again)")
	flag.IntVar(&cfg.Requests, "requests", 20, "times each read is repeated, at most")
	flag.DurationVar(&cfg.QueryBudget, "query-budget", 30*time.Second, "time spent repeating one read, at most (a slower read is measured once)")
	flag.DurationVar(&cfg.RequestTimeout, "request-timeout", 10*time.Minute, "timeout of one request")
	flag.DurationVar(&cfg.EvaluationWait, "evaluation-wait", 10*time.Minute, "wait for each scheduled evaluation pass, at most (0 skips them)")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the PostgreSQL database (and the work directory)")
	flag.StringVar(&cfg.Frontend, "frontend", "frontend", "the dashboard directory (npm ci done) whose scripts time its pages in Chromium; empty skips that")
	flag.Parse()

	cfg.Dialect = store.Dialect(dialect)
	if cfg.Dialect != store.Postgres && cfg.Dialect != store.SQLite {
		return fmt.Errorf("-dialect: want postgres or sqlite, got %q", dialect)
	}
	if cfg.Dialect == store.Postgres && cfg.AdminURL == "" {
		return fmt.Errorf("-database-url or TEST_DATABASE_URL: a PostgreSQL server is needed")
	}
	if cfg.Orgs < 1 || cfg.DomainsPerOrg < 1 || cfg.IngestWorkers < 1 || cfg.Requests < 1 || cfg.Rounds < 0 || cfg.Rounds > 4 {
		return fmt.Errorf("-orgs, -domains, -ingest-workers and -requests must be at least 1, -rounds from 0 to 4")
	}
	temporary := cfg.WorkDir == ""
	if temporary {
		dir, err := os.MkdirTemp("", "scale-bench-")
		if err != nil {
			return fmt.Errorf("work dir: %w", err)
		}
		cfg.WorkDir = dir
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := scalebench.Run(ctx, cfg)
	rep.WriteMarkdown(os.Stdout)
	if err != nil {
		// The server's log says why.
		return fmt.Errorf("%w (server log: %s)", err, filepath.Join(cfg.WorkDir, "server.log"))
	}
	if temporary && !cfg.Keep {
		_ = os.RemoveAll(cfg.WorkDir)
	}
	return nil
}
