// Package scalebench measures the server at customer scale: it seeds an
// estate of organizations and domains into a fresh database, runs the real
// server binary on it, pushes rounds of check results through the agent
// protocol and times the reads of the dashboard, the API and /metrics. It
// reports; it asserts nothing about speed.
package scalebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

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
	// Rounds is how many of the four ingest rounds run (all new, some
	// renewed, all unchanged, unchanged again): fewer for runs that measure
	// reads and evaluation only, at sizes where a round takes long.
	Rounds int
	// Requests, QueryBudget and RequestTimeout bound the reads: each is
	// repeated up to Requests times while within QueryBudget.
	Requests       int
	QueryBudget    time.Duration
	RequestTimeout time.Duration
	// EvaluationWait bounds the wait for each scheduled evaluation pass
	// (they run every minute); 0 skips those figures.
	EvaluationWait time.Duration
	// Frontend is the dashboard's directory, whose node_modules and
	// scripts time its pages in Chromium; empty skips that.
	Frontend string
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

	t, err := openTarget(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer t.close(context.WithoutCancel(ctx), cfg)
	rep.Database, rep.Analyzed = t.name(), t.analyzes
	creds, err := seedStore(ctx, t.seeder, f, cfg)
	if err != nil {
		return rep, err
	}
	phase("seed organizations, tokens, agents and domains")

	srv, err := startServer(ctx, cfg.ServerBin, cfg.WorkDir, t.env)
	if err != nil {
		return rep, err
	}
	defer srv.stop()
	phase("start server")

	client := &http.Client{Timeout: cfg.RequestTimeout}
	in := &ingester{client: client, baseURL: srv.url, fleet: f, batches: batches(f, creds), workers: cfg.IngestWorkers}
	for n, kind := range []roundKind{firstRound, laterRound, laterRound, laterRound}[:cfg.Rounds] {
		if n == 1 {
			if err := f.renew(); err != nil {
				return rep, err
			}
		}
		r, err := measureRound(ctx, in, srv, t, kind, n+1)
		if err != nil {
			return rep, err
		}
		rep.Rounds = append(rep.Rounds, r)
		phase(fmt.Sprintf("ingest round %d (and the database size around it)", n+1))
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

	rd := &reader{client: client, baseURL: srv.url, token: creds[0].read, requests: cfg.Requests, budget: cfg.QueryBudget,
		domains: int64(cfg.DomainsPerOrg), agentID: creds[0].agentIDs[0]}
	rep.Reads = rd.measureReads(ctx)
	phase("measure reads")
	if rep.Paint, err = measurePaint(ctx, cfg.Frontend, srv.url); err != nil {
		rep.PaintSkipped = err.Error()
	}
	phase("time the dashboard in Chromium")
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
// CPU metered around it and the database's size taken before and after.
func measureRound(ctx context.Context, in *ingester, srv *serverProcess, t *target, kind roundKind, n int) (roundResult, error) {
	sizeBefore, quietBefore, err := t.size(ctx)
	if err != nil {
		return roundResult{}, err
	}
	var meter *backendMeter
	if t.db != nil {
		if meter, err = t.db.meterBackends(ctx, 250*time.Millisecond); err != nil {
			return roundResult{}, err
		}
	}
	cpuBefore, err := cpuTime(srv.pid())
	if err != nil {
		return roundResult{}, err
	}
	stopAnalyzing := func() {}
	if t.analyzes {
		stopAnalyzing = t.db.analyzeEvery(ctx, analyzeInterval)
	}
	r, err := in.round(ctx, kind, n)
	stopAnalyzing()
	cpuAfter, cpuErr := cpuTime(srv.pid())
	if meter != nil {
		r.DatabaseCPU = meter.total(ctx)
	}
	if err = errors.Join(err, cpuErr); err != nil {
		return r, err
	}
	r.ServerCPU = cpuAfter - cpuBefore
	sizeAfter, quietAfter, err := t.size(ctx)
	r.Growth = sizeAfter - sizeBefore
	r.Unsettled = !quietBefore || !quietAfter
	return r, err
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

// loadAverage is the first line of /proc/loadavg: the machine is shared.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	return strings.Join(f[:min(3, len(f))], " ")
}
