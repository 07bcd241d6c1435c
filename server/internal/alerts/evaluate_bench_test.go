package alerts_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
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
// domains and agents are all evaluated already and none due, each
// organization with an agent that checked in, one domain in ten with an
// open event: 100,000 or 1,000,000
// domains in ten organizations, and 1,000,000 in 10,000 organizations of
// 100 (each expiring in 31 to 395 days, due at its 30-day crossing).
// Seeding 1,000,000 takes minutes: run it with -benchtime bounded, e.g.
//
//	go test -run '^$' -bench 'PassNothingDue' -benchtime 20x ./internal/alerts
func BenchmarkPassNothingDue(b *testing.B) {
	for _, size := range []struct{ orgs, domains int }{{10, 100_000}, {10, 1_000_000}, {10_000, 1_000_000}} {
		b.Run(fmt.Sprintf("%dx%d", size.orgs, size.domains/size.orgs), func(b *testing.B) {
			ctx := context.Background()
			var statements atomic.Int64
			dsn := storetest.PostgresSchemaURL(b)
			st := storetest.OpenPostgresURL(b, dsn, store.Options{Statements: &statements})
			seedEvaluated(b, st, dsn, size.orgs, size.domains)
			ev := alerts.NewEvaluator(st, "https://x", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			// The passes that evaluate what the seed left due.
			for range 20 {
				stats, err := ev.Pass(ctx, "")
				if err != nil {
					b.Fatal(err)
				}
				if stats.Domains == 0 && stats.Agents == 0 {
					break
				}
			}
			var domains, agents int
			statements.Store(0)
			// b.Loop runs this function once, so the seed is made once.
			for b.Loop() {
				stats, err := ev.Pass(ctx, "")
				if err != nil {
					b.Fatal(err)
				}
				domains += stats.Domains
				agents += stats.Agents
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
			b.ReportMetric(float64(statements.Load())/float64(b.N), "statements/pass")
			b.ReportMetric(float64(domains)/float64(b.N), "domains/pass")
			b.ReportMetric(float64(agents)/float64(b.N), "agents/pass")
		})
	}
}

// seedEvaluated writes n domains, spread over the organizations, with
// their states and evaluation schedule, as a pass would have left them.
// The first organization is made through the store; the others are
// copies of its rows (rules, agent), made with SQL to keep the seed short.
func seedEvaluated(b *testing.B, st *store.Store, dsn string, orgs, n int) {
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, org, err := st.CreateAccount(ctx, "o@example.com", "h", "Org")
	if err != nil {
		b.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "agent"})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.TouchAgent(ctx, org.ID, agent.ID, "1.0", "10.0.0.1"); err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"organizations", "alert_rules", "agents"} {
		cloneRows(b, db, table, org.ID, orgs-1)
	}
	seed := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO domains (id, organization_id, host, port, protocol, agent_id, created_at, updated_at)
		  WITH o AS (SELECT row_number() OVER (ORDER BY a.organization_id) - 1 AS k, a.organization_id, a.id FROM agents a)
		  SELECT 'd' || lpad(i::text, 7, '0'), o.organization_id, 'h' || i || '.example.com', 443, 'tls', o.id, now(), now()
		  FROM generate_series(1, $1::int) i JOIN o ON o.k = i % $2`, []any{n, orgs}},
		{`INSERT INTO domain_states (domain_id, organization_id, observation_id, checked_at, leaf_sha256, not_after)
		  SELECT id, organization_id, 'o' || id, now(), md5(id) || md5(id), now() + (31 + abs(hashtext(id)) % 365) * interval '1 day'
		  FROM domains`, nil},
		// One domain in ten has an open event, as a server in use has.
		{`INSERT INTO alerts (id, organization_id, rule_id, domain_id, type, dedup_key, state, payload, opened_at)
		  SELECT 'a' || d.id, d.organization_id, (SELECT min(r.id) FROM alert_rules r WHERE r.organization_id = d.organization_id),
		    d.id, 'expiring', 'expiring|' || d.id, 'open', '{}', now()
		  FROM domains d WHERE right(d.id, 1) = '0'`, nil},
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

// cloneRows copies the organization's rows of the table n times, each copy
// for a new organization: the ID, organization and token columns take the
// copy's number as a suffix.
func cloneRows(b *testing.B, db *sql.DB, table, orgID string, n int) {
	rows, err := db.Query(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		b.Fatal(err)
	}
	var cols, exprs []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		cols = append(cols, c)
		switch {
		case c == "id", c == "organization_id", strings.HasSuffix(c, "token_hash"):
			exprs = append(exprs, fmt.Sprintf("t.%s || '-' || i", c))
		default:
			exprs = append(exprs, "t."+c)
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	key := "organization_id"
	if table == "organizations" {
		key = "id"
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s t, generate_series(1, $2::int) i WHERE t.%s = $1",
		table, strings.Join(cols, ", "), strings.Join(exprs, ", "), table, key)
	if _, err := db.Exec(q, orgID, n); err != nil {
		b.Fatalf("clone %s: %v", table, err)
	}
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
