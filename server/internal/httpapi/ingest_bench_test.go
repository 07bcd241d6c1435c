package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// BenchmarkIngestResults posts 10,000 results of 3-certificate chains
// (unique leaves, shared intermediate and root, as a real fleet looks) to
// POST /agent/results, in an agent's batches, and reports results per
// second; on PostgreSQL also the CPU per result of the server process and
// of the database's backends (see cpuMeter).
func BenchmarkIngestResults(b *testing.B) {
	const n, agentBatch = 10_000, 500
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			// Ingest only: the real server evaluates alerts in the background.
			var srv *testServer
			var meter *cpuMeter
			if d == store.Postgres {
				srv, meter = newMeteredServer(b)
			} else {
				srv = newServer(b, d, false)
			}
			tn := srv.newTenant(b, "bench@example.com")
			ctx := context.Background()
			var who struct {
				Organization struct{ ID string } `json:"organization"`
			}
			tn.browser.must(http.StatusOK, "GET", "/api/v1/me", nil, &who)
			domains := make([]store.Domain, n)
			for i := range domains {
				domains[i] = store.Domain{Host: fmt.Sprintf("host-%05d.internal", i), Port: 443, Protocol: "tls", AgentID: &tn.agentID}
			}
			domains, err := srv.store.CreateDomains(ctx, who.Organization.ID, domains)
			if err != nil {
				b.Fatal(err)
			}
			storetest.Analyze(b, srv.store)
			_, inter, rootDER, interDER := newCA(b)
			now := time.Now().UTC()
			batch := func(tag string) wire.ResultsRequest {
				req := wire.ResultsRequest{BatchID: tag, AgentVersion: "bench", Results: make([]wire.Result, n)}
				for i, dom := range domains {
					chain := leafChain(b, inter, rootDER, interDER, dom.Host, 60+i%300)
					req.Results[i] = wire.Result{TargetID: dom.ID, Address: "10.0.0.1:443", ObservedAt: now, DurationMS: 20,
						TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()}
				}
				return req
			}
			agent := srv.agentClient(b, tn)
			// Batch IDs stay unique across the benchmark's repeated runs.
			seq := 0
			nextID := func(kind string) string {
				seq++
				return fmt.Sprintf("%s-%d", kind, seq)
			}
			// An agent pushes its results in batches of 500.
			post := func(b *testing.B, req wire.ResultsRequest) {
				for start := 0; start < n; start += agentBatch {
					part := req
					part.BatchID = fmt.Sprintf("%s-%d", req.BatchID, start)
					part.Results = req.Results[start:min(start+agentBatch, n)]
					body, err := json.Marshal(part)
					if err != nil {
						b.Fatal(err)
					}
					if meter != nil {
						meter.start(b)
					}
					b.StartTimer()
					r := agent.raw("POST", "/api/v1/agent/results", body, nil)
					b.StopTimer()
					if meter != nil {
						meter.stop(b)
					}
					if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(fmt.Sprintf(`"accepted":%d`, len(part.Results)))) {
						b.Fatalf("ingest: %d %.200s", r.Status, r.Body)
					}
				}
			}
			// new: every chain is seen for the first time (a fleet's first
			// check-in, or a mass renewal): full verification.
			b.Run("new", func(b *testing.B) {
				meter.reset()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					post(b, batch(nextID("new")))
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "results/s")
				meter.report(b, n*b.N)
			})
			// repeat: the same chains again, as every later check-in reports,
			// on tables analyzed after they filled, as autovacuum would.
			b.Run("repeat", func(b *testing.B) {
				req := batch(nextID("warm"))
				b.StopTimer()
				post(b, req)
				storetest.Analyze(b, srv.store)
				b.ResetTimer()
				meter.reset()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					req.BatchID = nextID("repeat")
					post(b, req)
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "results/s")
				meter.report(b, n*b.N)
			})
		})
	}
}

// BenchmarkIngestConcurrentAgents has eight agents of one organization push
// 1,250 results each at once, their chains under the same intermediates and
// roots, and reports results per second and the batches that failed.
func BenchmarkIngestConcurrentAgents(b *testing.B) {
	const agents, perAgent = 8, 1250
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			srv := newServer(b, d, false)
			f := newFleet(b, srv, agents, perAgent)
			storetest.Analyze(b, srv.store)
			start := time.Now().UTC().Add(-time.Hour)
			// Rounds stay unique across the benchmark's repeated runs; the
			// first stores the certificates, as in the repeat case above.
			round := 0
			push := func() int {
				round++
				return len(f.pushAll(round, start.Add(time.Duration(round)*time.Second)))
			}
			push()
			b.ResetTimer()
			failed := 0
			for range b.N {
				failed += push()
			}
			// Only the results of batches that were stored count.
			b.ReportMetric(float64((agents*b.N-failed)*perAgent)/b.Elapsed().Seconds(), "results/s")
			b.ReportMetric(float64(failed)/float64(b.N), "failed-batches/op")
		})
	}
}
