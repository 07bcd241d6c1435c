package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// benchVerdict is an analysis of the usual size (about 1.1 KB of JSON).
var benchVerdict = `{"status":"ok","problems":[],"days_left":61,"deadline":{"at":"2026-06-01T00:00:00Z","days_left":61,"position":0},` +
	`"chain":[` + strings.Repeat(`{"position":0,"subject":"CN=www.example.com","not_before":"2026-03-01T00:00:00Z","not_after":"2026-06-01T00:00:00Z","days_left":61,"expired":false,"not_yet_valid":false},`, 2) +
	`{"position":2,"subject":"CN=Example Root","not_before":"2020-01-01T00:00:00Z","not_after":"2035-01-01T00:00:00Z","days_left":3000,"expired":false,"not_yet_valid":false}],` +
	`"expired":false,"not_yet_valid":false,"clock_skew":false,"trust":{"status":"trusted","reason":"","anchor":"CN=Example Root","missing_intermediate":false},` +
	`"hostname":"www.example.com","hostname_match":true,"hostname_reason":"matches the subject alternative name www.example.com","hostname_matched_by":"san",` +
	`"weak_crypto":[],"renew_by":"2026-05-02T00:00:00Z","renewal_overdue":false}`

// BenchmarkBytesPerUnchangedCheck measures how much PostgreSQL keeps for a
// check that changes nothing: 10,000 domains are checked once, then five
// more times with the same results. bytes/check-2nd is the growth of the
// second round per check, which on PostgreSQL pays once for the new row
// versions of updated rows; bytes/check that of the four rounds after it
// (the steady state), where VACUUM lets updates reuse that space, and
// µs/check the wall time SaveResults took for them. Tables
// are vacuumed before each measure, so run it in a database where no long
// transaction holds back VACUUM (other tests' are). It runs once whatever
// b.N: -benchtime 1x.
func BenchmarkBytesPerUnchangedCheck(b *testing.B) {
	const domains, batch, steadyRounds = 10_000, 1_000, 4
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := storetest.Open(b, store.Postgres, store.Options{Now: clk.now})
	_, org, err := s.CreateAccount(ctx, "bench@example.com", "h", "B")
	if err != nil {
		b.Fatal(err)
	}
	agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
	if err != nil {
		b.Fatal(err)
	}
	ds := make([]store.Domain, domains)
	for i := range ds {
		ds[i] = store.Domain{Host: fmt.Sprintf("host-%05d.example.com", i), Port: 443, Protocol: "tls", AgentID: &agent.ID}
	}
	if ds, err = s.CreateDomains(ctx, org.ID, ds); err != nil {
		b.Fatal(err)
	}
	notAfter := clk.t.AddDate(0, 3, 0)
	inter := store.Certificate{SHA256: fmt.Sprintf("%064d", 0), DER: make([]byte, 1200), Subject: "CN=Example CA", Issuer: "CN=Example Root",
		Serial: "1", NotBefore: clk.t.AddDate(-1, 0, 0), NotAfter: clk.t.AddDate(5, 0, 0), IsCA: true}
	round := func(r int) {
		at := clk.t.Add(time.Duration(r) * 4 * time.Hour)
		for start := 0; start < domains; start += batch {
			rs := store.ResultSet{BatchID: fmt.Sprintf("r%d-%d", r, start), AgentID: agent.ID, Rejected: "[]",
				Certificates: []store.Certificate{inter}}
			for i := start; i < start+batch; i++ {
				leaf := fmt.Sprintf("%064d", i+1)
				rs.Certificates = append(rs.Certificates, store.Certificate{SHA256: leaf, DER: make([]byte, 1500),
					Subject: "CN=" + ds[i].Host, Issuer: inter.Subject, Serial: leaf[:16], NotBefore: clk.t, NotAfter: notAfter,
					Names: []string{ds[i].Host}})
				rs.Observations = append(rs.Observations, store.Observation{ID: store.NewID(), DomainID: &ds[i].ID, AgentID: &agent.ID,
					ObservedAt: at, Address: "192.0.2.1:443", DurationMS: int64(20 + r), TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
					LeafSHA256: leaf, NotAfter: &notAfter, Verdict: benchVerdict, VerdictStatus: "ok", TrustStatus: "trusted",
					Problems: []string{}, Chain: []string{leaf, inter.SHA256}})
			}
			clk.t = at
			if _, err := s.SaveResults(ctx, org.ID, rs); err != nil {
				b.Fatal(err)
			}
		}
	}
	size := func() int64 {
		n, err := store.DatabaseBytes(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	b.ResetTimer()
	for range b.N {
		round(0)
		first := size()
		round(1)
		second := size()
		last := second
		var took time.Duration
		for r := 2; r < 2+steadyRounds; r++ {
			start := time.Now()
			round(r)
			took += time.Since(start)
			last = size() // as autovacuum would between checks hours apart
		}
		b.ReportMetric(float64(first)/domains, "bytes/first-check")
		b.ReportMetric(float64(second-first)/domains, "bytes/check-2nd")
		b.ReportMetric(float64(last-second)/(steadyRounds*domains), "bytes/check")
		b.ReportMetric(float64(took.Microseconds())/(steadyRounds*domains), "µs/check")
		b.ReportMetric(0, "ns/op")
		break
	}
}
