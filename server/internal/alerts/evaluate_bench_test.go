package alerts_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for seeding

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// BenchmarkEvaluate runs one evaluation pass over 100,000 domains on
// PostgreSQL: "first" records the alerts of the 20,000 that cross a
// threshold, "steady" is every later pass, when nothing changed.
func BenchmarkEvaluate(b *testing.B) {
	const n, expiring = 100_000, 20_000
	ctx := context.Background()
	var statements atomic.Int64
	dsn := storetest.PostgresSchemaURL(b)
	st := storetest.OpenPostgresURL(b, dsn, store.Options{Statements: &statements})
	_, org, err := st.CreateAccount(ctx, "bench@example.com", "h", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	ds := make([]store.Domain, n)
	for i := range ds {
		ds[i] = store.Domain{Host: fmt.Sprintf("h%06d.example.com", i), Port: 443, Protocol: "tls"}
	}
	if ds, err = st.CreateDomains(ctx, org.ID, ds); err != nil {
		b.Fatal(err)
	}
	now := st.Now()
	obs := make([]store.Observation, n)
	for i := range ds {
		days := 200
		if i < expiring {
			days = 10
		}
		na := now.Add(time.Duration(days) * 24 * time.Hour)
		// 90-day certificates: the default rule alerts by the lifetime's
		// renewal plan, which a judged chain carries.
		plan := lifecycle.NewPlan(na.Add(-90*24*time.Hour), na, na, lifecycle.Settings{}, nil)
		obs[i] = store.Observation{ID: store.NewID(), DomainID: &ds[i].ID, ObservedAt: now, LeafSHA256: fmt.Sprintf("%064d", i), NotAfter: &na, Renewal: plan}
	}
	if _, err := st.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "seed", Observations: obs, Rejected: "[]"}); err != nil {
		b.Fatal(err)
	}
	analyze(b, dsn)
	ev := alerts.NewEvaluator(st, "https://x", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	pass := func(b *testing.B) {
		statements.Store(0)
		start := time.Now()
		if err := ev.Run(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/pass")
		b.ReportMetric(float64(statements.Load()), "statements/pass")
	}
	rules, err := st.ListAlertRules(ctx, org.ID)
	if err != nil || len(rules) != 1 {
		b.Fatalf("default rules %v, %v", rules, err)
	}
	// first: every iteration starts from a new rule (the last one deleted
	// with its alerts), so each pass records the 20,000 alerts again.
	b.Run("first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			rule := rules[0]
			rule.ID = ""
			if err := st.DeleteAlertRule(ctx, org.ID, rules[0].ID); err != nil {
				b.Fatal(err)
			}
			if rules[0], err = st.CreateAlertRule(ctx, org.ID, rule); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			pass(b)
			b.StopTimer()
			_, total, _ := st.ListAlerts(ctx, org.ID, store.AlertFilter{}, store.Page{Number: 1, PerPage: 1})
			if total != expiring {
				b.Fatalf("%d alerts, want %d", total, expiring)
			}
		}
	})
	b.Run("steady", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pass(b)
		}
	})
}

// BenchmarkPassNothingDue runs a scheduled pass over a server whose
// domains are all evaluated already and none due: ten organizations with
// an agent each, and 100,000 or 1,000,000 domains seeded with SQL (each
// expiring in 31 to 395 days, due at its 30-day crossing). Seeding
// 1,000,000 takes minutes: run it with -benchtime bounded, e.g.
//
//	go test -run '^$' -bench 'PassNothingDue' -benchtime 20x ./internal/alerts
func BenchmarkPassNothingDue(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			var statements atomic.Int64
			dsn := storetest.PostgresSchemaURL(b)
			st := storetest.OpenPostgresURL(b, dsn, store.Options{Statements: &statements})
			seedEvaluated(b, st, dsn, n)
			ev := alerts.NewEvaluator(st, "https://x", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			var domains int
			statements.Store(0)
			// b.Loop runs this function once, so the seed is made once.
			for b.Loop() {
				stats, err := ev.Pass(ctx, "")
				if err != nil {
					b.Fatal(err)
				}
				domains += stats.Domains
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
			b.ReportMetric(float64(statements.Load())/float64(b.N), "statements/pass")
			b.ReportMetric(float64(domains)/float64(b.N), "domains/pass")
		})
	}
}

// seedEvaluated writes n domains, spread over ten organizations, with
// their states and evaluation schedule, as a pass would have left them.
func seedEvaluated(b *testing.B, st *store.Store, dsn string, n int) {
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i := range 10 {
		_, org, err := st.CreateAccount(ctx, fmt.Sprintf("o%d@example.com", i), "h", fmt.Sprint("Org ", i))
		if err != nil {
			b.Fatal(err)
		}
		agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "agent-" + org.ID})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.TouchAgent(ctx, org.ID, agent.ID, "1.0", "10.0.0.1"); err != nil {
			b.Fatal(err)
		}
	}
	seed := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at)
		  WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM organizations)
		  SELECT 'd' || lpad(i::text, 7, '0'), o.ids[1 + i % 10], 'h' || i || '.example.com', 443, 'tls', now(), now()
		  FROM generate_series(1, $1::int) i, o`, []any{n}},
		{`INSERT INTO domain_states (domain_id, observation_id, checked_at, leaf_sha256, not_after)
		  SELECT id, 'o' || id, now(), md5(id) || md5(id), now() + (31 + abs(hashtext(id)) % 365) * interval '1 day'
		  FROM domains`, nil},
		{`INSERT INTO evaluation_schedule (domain_id, organization_id, due_at)
		  SELECT d.id, d.organization_id, ds.not_after - interval '30 days'
		  FROM domains d JOIN domain_states ds ON ds.domain_id = d.id`, nil},
	}
	for _, q := range seed {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	analyze(b, dsn)
}

// analyze gathers the planner's statistics after seeding, as autovacuum
// would before long, so that plans are those of a server in use.
func analyze(b *testing.B, dsn string) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("ANALYZE"); err != nil {
		b.Fatalf("analyze: %v", err)
	}
}
