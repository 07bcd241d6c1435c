package alerts_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
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
	st := storetest.Open(b, store.Postgres, store.Options{Statements: &statements})
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
		obs[i] = store.Observation{ID: store.NewID(), DomainID: &ds[i].ID, ObservedAt: now, LeafSHA256: fmt.Sprintf("%064d", i), NotAfter: &na}
	}
	if _, err := st.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "seed", Observations: obs, Rejected: "[]"}); err != nil {
		b.Fatal(err)
	}
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
