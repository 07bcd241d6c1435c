package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// benchDomains is the size of the one organization the list benchmark
// seeds: the size a customer was measured at.
const benchDomains = 100_000

// BenchmarkListDomains measures the domain list on PostgreSQL at
// benchDomains domains, for every sort and filter, on the first and the
// 1,000th page of 50. It seeds its own schema with SQL (seconds, not
// minutes), so it runs only when asked for with -bench; it reports the
// p99 of its iterations besides the mean. Run it with a bounded count:
//
//	go test -run '^$' -bench ListDomains -benchtime 20x ./server/internal/store/
func BenchmarkListDomains(b *testing.B) {
	ctx := context.Background()
	dsn := storetest.PostgresSchemaURL(b)
	s := storetest.OpenPostgresURL(b, dsn, store.Options{})
	orgID := seedDomains(b, ctx, s, dsn)
	expiresBefore := s.Now().Add(60 * 24 * time.Hour)
	cases := []struct {
		name string
		f    store.DomainFilter
	}{
		{"sort=host", store.DomainFilter{Sort: "host"}},
		{"sort=-host", store.DomainFilter{Sort: "host", Desc: true}},
		{"sort=port", store.DomainFilter{Sort: "port"}},
		{"sort=protocol", store.DomainFilter{Sort: "protocol"}},
		{"sort=created_at", store.DomainFilter{Sort: "created_at"}},
		{"sort=-created_at", store.DomainFilter{Sort: "created_at", Desc: true}},
		{"sort=last_checked_at", store.DomainFilter{Sort: "last_checked_at"}},
		{"sort=-last_checked_at", store.DomainFilter{Sort: "last_checked_at", Desc: true}},
		{"sort=days_left", store.DomainFilter{Sort: "days_left"}},
		{"sort=-days_left", store.DomainFilter{Sort: "days_left", Desc: true}},
		{"q=host12", store.DomainFilter{Query: "host12"}},
		{"status=ok", store.DomainFilter{Status: string(lifecycle.StatusOK)}},
		{"status=expiring", store.DomainFilter{Status: string(lifecycle.StatusExpiring)}},
		{"status=expired", store.DomainFilter{Status: string(lifecycle.StatusExpired)}},
		{"status=invalid", store.DomainFilter{Status: string(lifecycle.StatusInvalid)}},
		{"status=unreachable", store.DomainFilter{Status: string(lifecycle.StatusUnreachable)}},
		{"status=pending", store.DomainFilter{Status: string(lifecycle.StatusPending)}},
		{"agent_id", store.DomainFilter{AgentID: benchAgent(b, ctx, s, orgID)}},
		{"tag=prod", store.DomainFilter{Tag: "prod"}},
		{"expires_before", store.DomainFilter{ExpiresBefore: &expiresBefore}},
		{"status=expiring,sort=days_left", store.DomainFilter{Status: string(lifecycle.StatusExpiring), Sort: "days_left"}},
	}
	for _, c := range cases {
		c.f.FloorDays = 30
		for _, number := range []int{1, 1000} {
			b.Run(fmt.Sprintf("%s/page=%d", c.name, number), func(b *testing.B) {
				page := store.Page{Number: number, PerPage: 50}
				timed(b, func() error {
					_, _, err := s.ListDomains(ctx, orgID, c.f, page)
					return err
				})
			})
		}
		// The 1,000th page reached as clients do at depth: by the cursor
		// after the 999th (made once, outside the timing).
		b.Run(c.name+"/cursor=1000", func(b *testing.B) {
			f := c.f
			prev, _, err := s.ListDomains(ctx, orgID, f, store.Page{Number: 999, PerPage: 50})
			if err != nil || len(prev) == 0 {
				b.Skipf("no 999th page: %v", err)
			}
			f.After = store.DomainCursorAfter(f, prev[len(prev)-1])
			timed(b, func() error {
				_, _, err := s.ListDomains(ctx, orgID, f, store.Page{Number: 1, PerPage: 50})
				return err
			})
		})
	}
}

// timed runs fn b.N times and reports the p99 of its durations.
func timed(b *testing.B, fn func() error) {
	b.Helper()
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

func benchAgent(b *testing.B, ctx context.Context, s *store.Store, orgID string) string {
	b.Helper()
	agents, _, err := s.ListAgents(ctx, orgID, store.Page{Number: 1, PerPage: 1})
	if err != nil || len(agents) == 0 {
		b.Fatalf("agents: %v", err)
	}
	return agents[0].ID
}

// seedDomains fills the schema behind dsn with one organization of
// benchDomains domains: two agents, three protocols' worth of ports, tags,
// and latest checks spread over every status (1% never checked, 2%
// unreachable, 2.5% invalid, the rest expiring from 20 days ago to 380
// days ahead).
func seedDomains(b *testing.B, ctx context.Context, s *store.Store, dsn string) string {
	b.Helper()
	_, org, err := s.CreateAccount(ctx, "bench@example.com", "h", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		if _, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: fmt.Sprint("agent", i), Prefix: fmt.Sprint("p", i), TokenHash: fmt.Sprint("h", i)}); err != nil {
			b.Fatal(err)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		// host_key as hostKey writes it: the number's length in three
		// digits, then the number without leading zeros.
		`INSERT INTO domains (id, organization_id, host, host_key, port, protocol, sni, agent_id, created_at, updated_at)
		SELECT md5(i::text), $1, 'host' || (i % 50000) || '.example.com',
			'host' || CASE WHEN i % 50000 = 0 THEN '000' ELSE lpad(length((i % 50000)::text)::text, 3, '0') || (i % 50000) END || '.example.com',
			443 + i % 3,
			CASE WHEN i % 5 = 0 THEN 'smtp' ELSE 'tls' END, '',
			(SELECT id FROM agents WHERE organization_id = $1 ORDER BY name LIMIT 1 OFFSET i % 2),
			now() - i * interval '1 second', now()
		FROM generate_series(1, ` + fmt.Sprint(benchDomains) + `) i`,
		`INSERT INTO domain_states (domain_id, organization_id, observation_id, checked_at, error, error_kind, not_after, verdict_status)
		SELECT id, $1, md5(id), now() - (n % 3600) * interval '1 second',
			CASE WHEN n % 50 = 1 THEN 'refused' ELSE '' END, CASE WHEN n % 50 = 1 THEN 'refused' ELSE '' END,
			CASE WHEN n % 50 = 1 THEN NULL ELSE now() + ((n % 400) - 20) * interval '1 day' + n * interval '1 second' END,
			CASE WHEN n % 40 = 3 THEN 'invalid' ELSE 'valid' END
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM domains WHERE organization_id = $1) d
		WHERE n % 100 <> 0`,
		// What ingest keeps for the last-check sort (syncCheckTimes).
		`INSERT INTO domain_checks (domain_id, organization_id, checked_at)
		SELECT domain_id, organization_id, checked_at FROM domain_states WHERE organization_id = $1`,
		// What ingest copies into the list columns (copyListColumns).
		`UPDATE domains SET state_not_after = s.not_after,
			state_kind = CASE WHEN s.error <> '' OR s.not_after IS NULL THEN 'unreachable'
				WHEN s.verdict_status = 'invalid' THEN 'invalid' ELSE 'valid' END
		FROM domain_states s WHERE s.domain_id = domains.id AND domains.organization_id = $1`,
		`INSERT INTO domain_tags (domain_id, organization_id, tag)
		SELECT id, $1, 'prod' FROM domains WHERE organization_id = $1 AND ascii(id) % 10 = 0`,
	} {
		if _, err := db.ExecContext(ctx, q, org.ID); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE domains, domain_states, domain_checks, domain_tags"); err != nil {
		b.Fatalf("seed: vacuum: %v", err)
	}
	return org.ID
}
