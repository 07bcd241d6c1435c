package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestExpiryClustersAggregate: the days the expiry aggregate answers are
// those the query over every deadline answered, through new domains,
// renewals to another day or leaf, failures, a leaf shared by several
// domains, and deletions, for ranges that start mid-day, at midnight or
// lie within one day.
func TestExpiryClustersAggregate(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		midnight := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
		// Deadlines at midnight, just before it, and in between, so that
		// the ranges' partial days cut through them.
		offsets := []time.Duration{0, time.Hour, 8 * time.Hour, 12*time.Hour + 30*time.Minute, 24*time.Hour - time.Millisecond}
		leaf := func(name string, day int, at time.Duration) string {
			sha := f.cert(name)
			c := f.certs[sha]
			c.NotAfter = midnight.AddDate(0, 0, day).Add(at)
			f.certs[sha] = c
			return name
		}
		var domains []string
		for i := range 30 {
			domains = append(domains, f.addDomain(t, fmt.Sprintf("h%02d.example", i)))
		}
		compare := func(step string) {
			t.Helper()
			ranges := []struct{ from, to time.Time }{
				{f.clk.t, f.clk.t.AddDate(0, 0, 30)},
				{midnight, midnight.AddDate(0, 0, 5)},
				{midnight.Add(8 * time.Hour), midnight.Add(20 * time.Hour)},
				{midnight.Add(time.Hour), midnight.AddDate(0, 0, 4).Add(12*time.Hour + 30*time.Minute)},
				{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
			}
			for _, r := range ranges {
				for _, minimum := range []int{1, 3} {
					got, err := f.s.ExpiryClusters(ctx, f.org, r.from, r.to, minimum, 2)
					if err != nil {
						t.Fatal(err)
					}
					want, err := store.ExpiryDaysCounted(ctx, f.s, f.org, r.from, r.to, minimum)
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != len(want) {
						t.Fatalf("%s, %s to %s, minimum %d: %d days, want %d: %+v, want %+v",
							step, r.from, r.to, minimum, len(got), len(want), got, want)
					}
					for i := range want {
						g := got[i]
						if g.Date != want[i].Date || g.Endpoints != want[i].Endpoints || g.Certificates != want[i].Certificates {
							t.Errorf("%s, %s to %s, minimum %d: day %d is %s %d/%d, want %s %d/%d", step, r.from, r.to, minimum,
								i, g.Date, g.Endpoints, g.Certificates, want[i].Date, want[i].Endpoints, want[i].Certificates)
						}
					}
				}
			}
		}
		compare("no checks")

		// Thirty domains over five days; every third leaf serves two domains.
		f.clk.t = f.clk.t.Add(time.Hour)
		var checks []check
		for i, d := range domains {
			n := i - i%3/2 // 0, 0, 2, 3, 3, 5, ...: pairs share a leaf
			checks = append(checks, check{domain: d, leaf: leaf(fmt.Sprintf("v1-%02d", n), n%5, offsets[n%len(offsets)]), at: f.clk.t})
		}
		f.save(t, checks...)
		compare("first checks")

		// Renewals to later days, a renewal to another day's leaf already
		// served, failures, and unchanged checks, in one batch.
		f.clk.t = f.clk.t.Add(time.Hour)
		checks = checks[:0]
		for i, d := range domains {
			c := check{domain: d, at: f.clk.t}
			switch i % 5 {
			case 0:
				c.leaf = leaf(fmt.Sprintf("v2-%02d", i), 3+i%2, offsets[(i+1)%len(offsets)])
			case 1:
				c.leaf = "v1-02"
			case 2:
				c.errKind, c.errText = "timeout", "i/o timeout"
			default:
				n := i - i%3/2
				c.leaf = fmt.Sprintf("v1-%02d", n)
			}
			checks = append(checks, c)
		}
		f.save(t, checks...)
		compare("renewals and failures")

		// Deleting domains, one of a pair sharing a leaf among them.
		for _, i := range []int{0, 3, 7, 11, 12} {
			if err := f.s.DeleteDomain(ctx, f.org, domains[i]); err != nil {
				t.Fatal(err)
			}
		}
		compare("deletions")
	})
}
