package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// BenchmarkPrune measures one retention pass over 10,000 domains whose
// leaves were renewed twice more than 30 days ago: 20,000 old samples go
// (with their 40,000 chain rows), the 10,000 current ones stay. It runs
// once whatever b.N: -benchtime 1x.
func BenchmarkPrune(b *testing.B) {
	const domains = 10_000
	f := newBenchFleet(b, domains)
	now := f.clk.t
	for gen, ago := range []time.Duration{60 * day, 50 * day, 40 * day} {
		f.check(b, now.Add(-ago), gen, 20)
	}
	f.check(b, now.Add(-time.Hour), 2, 20)
	f.clk.t = now
	r := store.Retention{Samples: 30 * day, Audit: 365 * day, Deliveries: 90 * day, ResultBatches: 31 * day}
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		n, err := f.s.Prune(context.Background(), r, 1_000_000)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if n.Samples != 2*domains {
			b.Fatalf("pruned %d samples, want %d", n.Samples, 2*domains)
		}
		b.ReportMetric(float64(took.Milliseconds()), "ms/pass")
		b.ReportMetric(float64(took.Microseconds())/float64(n.Samples), "µs/sample")
		b.ReportMetric(0, "ns/op")
		break
	}
}
