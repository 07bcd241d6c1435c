package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// BenchmarkIngestSmallBatches posts, on PostgreSQL, the first batch of 100
// results (3-certificate chains, all new) of one organization after
// another, as 10,000 small organizations checking in do: per-batch costs
// weigh a hundred times more per result than in an agent's batch of 500
// of one large organization. It reports the batch's time and the CPU per
// result of the server and of the database's backends.
func BenchmarkIngestSmallBatches(b *testing.B) {
	const perOrg = 100
	srv, meter := newMeteredServer(b)
	ctx := context.Background()
	_, inter, rootDER, interDER := newCA(b)
	now := time.Now().UTC()
	type org struct {
		agent *client
		req   wire.ResultsRequest
	}
	orgs := make([]org, b.N)
	for i := range orgs {
		tn, orgID := smallTenant(b, srv.store, i)
		domains := make([]store.Domain, perOrg)
		for j := range domains {
			domains[j] = store.Domain{Host: fmt.Sprintf("h%03d.o%05d.internal", j, i), Port: 443, Protocol: "tls", AgentID: &tn.agentID}
		}
		domains, err := srv.store.CreateDomains(ctx, orgID, domains)
		if err != nil {
			b.Fatal(err)
		}
		req := wire.ResultsRequest{BatchID: fmt.Sprintf("small-%d", i), AgentVersion: "bench", Results: make([]wire.Result, perOrg)}
		for j, dom := range domains {
			chain := leafChain(b, inter, rootDER, interDER, dom.Host, 60+j%300)
			req.Results[j] = wire.Result{TargetID: dom.ID, Address: "10.0.0.1:443", ObservedAt: now, DurationMS: 20,
				TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()}
		}
		orgs[i] = org{agent: srv.agentClient(b, tn), req: req}
	}
	b.ResetTimer()
	meter.reset()
	for i := range b.N {
		b.StopTimer()
		body, err := json.Marshal(orgs[i].req)
		if err != nil {
			b.Fatal(err)
		}
		meter.start(b)
		b.StartTimer()
		r := orgs[i].agent.raw("POST", "/api/v1/agent/results", body, nil)
		b.StopTimer()
		meter.stop(b)
		if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(fmt.Sprintf(`"accepted":%d`, perOrg))) {
			b.Fatalf("ingest: %d %.200s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(perOrg*b.N)/b.Elapsed().Seconds(), "results/s")
	meter.report(b, perOrg*b.N)
}

// smallTenant makes organization i with an agent and an agent-scoped API
// token in the store, as signup and the dashboard would, without signup's
// rate limit.
func smallTenant(b *testing.B, st *store.Store, i int) (tenant, string) {
	ctx := context.Background()
	user, org, err := st.CreateAccount(ctx, fmt.Sprintf("small-%d@example.com", i), "unused", fmt.Sprintf("Small %d", i))
	if err != nil {
		b.Fatal(err)
	}
	key, keyHash, keyDisplay, err := auth.NewToken(auth.PrefixAPIToken)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateAPIToken(ctx, org.ID, store.APIToken{Name: "agent key", Scope: store.ScopeAgent, Prefix: keyDisplay, TokenHash: keyHash, CreatedBy: &user.ID}); err != nil {
		b.Fatal(err)
	}
	secret, hash, display, err := auth.NewToken(auth.PrefixAgentToken)
	if err != nil {
		b.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: display, TokenHash: hash})
	if err != nil {
		b.Fatal(err)
	}
	return tenant{apiToken: key, agentID: agent.ID, agentToken: secret}, org.ID
}
