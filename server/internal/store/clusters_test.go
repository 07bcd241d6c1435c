package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestExpiryClusters: days are UTC calendar days, a cluster counts every
// endpoint and distinct leaf of its day however many there are, and names
// only a bounded sample of them, the earliest first.
func TestExpiryClusters(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		serve := func(host, leaf string, notAfter time.Time) {
			sha := f.cert(leaf)
			c := f.certs[sha]
			c.NotAfter = notAfter
			f.certs[sha] = c
			f.save(t, check{domain: f.addDomain(t, host), leaf: leaf, at: f.clk.t})
		}
		// 24 endpoints on the 10th (two share a leaf), one at the very end
		// of the 11th and one at the very start of the 12th: not a cluster
		// of two, since they fall on different days.
		for i := range 23 {
			serve(fmt.Sprintf("h%02d.example", i), fmt.Sprintf("leaf-%02d", i), day.Add(time.Duration(23-i)*time.Minute))
		}
		serve("shared.example", "leaf-00", day.Add(23*time.Minute))
		serve("late.example", "late", day.AddDate(0, 0, 2).Add(-time.Second))
		serve("early.example", "early", day.AddDate(0, 0, 2).Add(time.Second))

		clusters, err := f.s.ExpiryClusters(ctx, f.org, f.clk.t, f.clk.t.AddDate(0, 0, 30), 2, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(clusters) != 1 {
			t.Fatalf("%d clusters, want 1: %+v", len(clusters), clusters)
		}
		cl := clusters[0]
		if cl.Date != "2026-03-10" || cl.Endpoints != 24 || cl.Certificates != 23 || len(cl.Sample) != 5 {
			t.Fatalf("cluster %s: %d endpoints, %d certificates, sample of %d; want 2026-03-10, 24, 23, 5",
				cl.Date, cl.Endpoints, cl.Certificates, len(cl.Sample))
		}
		for i, d := range cl.Sample {
			if want := fmt.Sprintf("h%02d.example", 22-i); d.Host != want {
				t.Errorf("sample %d: %s, want %s (earliest first)", i, d.Host, want)
			}
		}
		single, err := f.s.ExpiryClusters(ctx, f.org, f.clk.t, f.clk.t.AddDate(0, 0, 30), 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(single) != 3 || single[1].Date != "2026-03-11" || single[2].Date != "2026-03-12" {
			t.Fatalf("with a minimum of 1: %+v, want the 10th, 11th and 12th", single)
		}
		// Each cluster's sample holds its own day's deadlines only.
		for i, want := range []string{"h22.example", "late.example", "early.example"} {
			if s := single[i].Sample; len(s) == 0 || s[0].Host != want || (i > 0 && len(s) != 1) {
				t.Errorf("sample of %s: %+v, want %s first", single[i].Date, s, want)
			}
		}
	})
}
