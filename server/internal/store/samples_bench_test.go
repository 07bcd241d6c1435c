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

// benchFleet is one organization whose agent checks many domains, each
// serving its own leaf under one intermediate.
type benchFleet struct {
	s     *store.Store
	clk   *clock
	org   string
	agent string
	ds    []store.Domain
	inter store.Certificate
}

func newBenchFleet(b *testing.B, domains int) *benchFleet {
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
	inter := store.Certificate{SHA256: fmt.Sprintf("%064d", 0), DER: make([]byte, 1200), Subject: "CN=Example CA", Issuer: "CN=Example Root",
		Serial: "1", NotBefore: clk.t.AddDate(-1, 0, 0), NotAfter: clk.t.AddDate(5, 0, 0), IsCA: true}
	return &benchFleet{s: s, clk: clk, org: org.ID, agent: agent.ID, ds: ds, inter: inter}
}

// check stores one check of every domain at at, in batches of 1,000; gen
// picks the leaves (another gen is a renewal of every one).
func (f *benchFleet) check(b *testing.B, at time.Time, gen, duration int) {
	const batch = 1_000
	f.clk.t = at
	notAfter := at.AddDate(0, 3, 0)
	for start := 0; start < len(f.ds); start += batch {
		rs := store.ResultSet{BatchID: fmt.Sprintf("g%d-%s-%d", gen, at.Format(time.RFC3339), start), AgentID: f.agent, Rejected: "[]",
			Certificates: []store.Certificate{f.inter}}
		for i := start; i < min(start+batch, len(f.ds)); i++ {
			d := f.ds[i]
			leaf := fmt.Sprintf("%032d%032d", gen, i+1)
			rs.Certificates = append(rs.Certificates, store.Certificate{SHA256: leaf, DER: make([]byte, 1500),
				Subject: "CN=" + d.Host, Issuer: f.inter.Subject, Serial: leaf[:16], NotBefore: at, NotAfter: notAfter,
				Names: []string{d.Host}})
			rs.Observations = append(rs.Observations, store.Observation{ID: store.NewID(), DomainID: &d.ID, AgentID: &f.agent,
				ObservedAt: at, Address: "192.0.2.1:443", DurationMS: int64(duration), TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
				LeafSHA256: leaf, NotAfter: &notAfter, Verdict: benchVerdict, VerdictStatus: "ok", TrustStatus: "trusted",
				Problems: []string{}, Chain: []string{leaf, f.inter.SHA256}})
		}
		if _, err := f.s.SaveResults(context.Background(), f.org, rs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBytesPerUnchangedCheck measures how much PostgreSQL keeps for a
// check that changes nothing: 10,000 domains are checked once, then five
// more times with the same results. bytes/check-2nd is the growth of the
// second round per check, which on PostgreSQL pays once for the new row
// versions of updated rows; bytes/check that of the four rounds after it
// (the steady state), where VACUUM lets updates reuse that space, and
// µs/check the wall time SaveResults took for them. Tables are vacuumed
// before each measure, so run it in a database where no long transaction
// holds back VACUUM (other tests' are). It runs once whatever b.N:
// -benchtime 1x.
func BenchmarkBytesPerUnchangedCheck(b *testing.B) {
	const domains, steadyRounds = 10_000, 4
	f := newBenchFleet(b, domains)
	t0 := f.clk.t
	round := func(r int) { f.check(b, t0.Add(time.Duration(r)*4*time.Hour), 0, 20+r) }
	size := func() int64 {
		n, err := store.DatabaseBytes(context.Background(), f.s)
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
