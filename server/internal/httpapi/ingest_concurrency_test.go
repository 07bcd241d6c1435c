package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// fleet is one organization whose agents each watch their own domains, all
// served by chains under the same intermediates and root, as a fleet behind
// one public CA looks.
type fleet struct {
	orgID   string
	agents  []*client
	domains [][]store.Domain // per agent
	chains  [][][]string     // per agent, per domain: base64 DER, leaf first
}

func newFleet(t testing.TB, srv *testServer, agents, perAgent int) fleet {
	t.Helper()
	tn := srv.newTenant(t, "fleet@example.com")
	f := fleet{orgID: tn.session.Organization.ID}
	_, inter, rootDER, interDER := newCA(t)
	// A second intermediate under its own root widens the set of rows that
	// every batch shares.
	_, inter2, rootDER2, interDER2 := freshCA(t)
	for a := range agents {
		ag := created{ID: tn.agentID, Token: tn.agentToken}
		if a > 0 {
			tn.browser.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": fmt.Sprintf("dc%d", a)}, &ag)
		}
		f.agents = append(f.agents, srv.agentClient(t, tenant{apiToken: tn.apiToken, agentID: ag.ID, agentToken: ag.Token}))
		ds := make([]store.Domain, perAgent)
		for i := range ds {
			ds[i] = store.Domain{Host: fmt.Sprintf("host-%d-%d.internal", a, i), Port: 443, Protocol: "tls", AgentID: &ag.ID}
		}
		ds, err := srv.store.CreateDomains(context.Background(), f.orgID, ds)
		if err != nil {
			t.Fatal(err)
		}
		f.domains = append(f.domains, ds)
		chains := make([][]string, perAgent)
		for i, d := range ds {
			if i%2 == 0 {
				chains[i] = leafChain(t, inter, rootDER, interDER, d.Host, 90).base64()
			} else {
				chains[i] = leafChain(t, inter2, rootDER2, interDER2, d.Host, 90).base64()
			}
		}
		f.chains = append(f.chains, chains)
	}
	return f
}

// batch is agent a's results of round r.
func (f fleet) batch(a, r int, at time.Time) wire.ResultsRequest {
	req := wire.ResultsRequest{BatchID: fmt.Sprintf("agent-%d-round-%d", a, r), AgentVersion: "1.2.3"}
	for i, d := range f.domains[a] {
		req.Results = append(req.Results, wire.Result{TargetID: d.ID, Address: "10.0.0.1:443", ObservedAt: at, DurationMS: 20,
			TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: f.chains[a][i]})
	}
	return req
}

// pushAll has every agent push its batch of round r at once and returns
// the answers that were not 200 with every result accepted.
func (f fleet) pushAll(r int, at time.Time) []string {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	for a, c := range f.agents {
		wg.Go(func() {
			req := f.batch(a, r, at)
			status, body, err := c.post(req)
			var resp wire.ResultsResponse
			if err == nil && status == http.StatusOK {
				err = json.Unmarshal(body, &resp)
			}
			if err != nil || status != http.StatusOK || resp.Accepted != len(req.Results) {
				mu.Lock()
				failed = append(failed, fmt.Sprintf("agent %d round %d: %d %v %.200s", a, r, status, err, body))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// post sends a results batch without touching the test, so that many
// goroutines can call it.
func (c *client) post(req wire.ResultsRequest) (int, []byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return 0, nil, err
	}
	return c.send(body, nil)
}

// send posts a raw results body with extra headers, as post does.
func (c *client) send(body []byte, hdr map[string]string) (int, []byte, error) {
	hr, err := http.NewRequest("POST", c.base+"/api/v1/agent/results", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+c.bearer)
	for k, v := range c.headers {
		hr.Header.Set(k, v)
	}
	for k, v := range hdr {
		hr.Header.Set(k, v)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestConcurrentAgentsShareIntermediates pushes from eight agents of one
// organization at once. Their chains share intermediates and roots, so
// their transactions write the same certificate rows: in an unordered write
// two of them lock those rows in opposite orders and PostgreSQL kills one
// with a deadlock (40P01), which the agent saw as a 500.
func TestConcurrentAgentsShareIntermediates(t *testing.T) {
	const agents, perAgent, rounds = 8, 20, 3
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		f := newFleet(t, srv, agents, perAgent)
		start := time.Now().UTC().Add(-time.Hour)
		var failed []string
		for r := range rounds {
			failed = append(failed, f.pushAll(r, start.Add(time.Duration(r)*time.Second))...)
		}
		if len(failed) > 0 {
			t.Fatalf("%d of %d batches failed:\n%s", len(failed), agents*rounds, failed)
		}
		ctx := context.Background()
		for a := range agents {
			for _, d := range f.domains[a] {
				hist, err := srv.store.DomainHistory(ctx, f.orgID, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(hist) != 1 || hist[0].Count != rounds {
					t.Fatalf("%s: history %+v, want one certificate seen %d times", d.Host, hist, rounds)
				}
			}
		}
		_, total, err := srv.store.ListCertificates(ctx, f.orgID, store.CertificateFilter{}, store.Page{Number: 1, PerPage: 1})
		if err != nil {
			t.Fatal(err)
		}
		// One leaf per domain, two intermediates, two roots.
		if want := int64(agents*perAgent + 4); total != want {
			t.Errorf("inventory holds %d certificates, want %d", total, want)
		}
	})
}
