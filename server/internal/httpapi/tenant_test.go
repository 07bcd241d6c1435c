package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type domainOut struct {
	ID       string   `json:"id"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Protocol string   `json:"protocol"`
	SNI      string   `json:"sni"`
	AgentID  *string  `json:"agent_id"`
	Tags     []string `json:"tags"`
	Status   string   `json:"status"`
	DaysLeft *int     `json:"days_left"`
	SHA256   *string  `json:"sha256"`
	Chain    []struct {
		Position int    `json:"position"`
		SHA256   string `json:"sha256"`
	} `json:"chain"`
	History []struct {
		SHA256 string `json:"sha256"`
	} `json:"history"`
}

type listOut[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func fingerprint(der []byte) string {
	s := sha256.Sum256(der)
	return hex.EncodeToString(s[:])
}

// TestTenantWalk follows one customer from sign-up to results, then lets a
// second organization try every ID of the first on every endpoint.
func TestTenantWalk(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "alice@example.com")
		var d1, d2, d3 domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "mail.internal", "port": 587, "protocol": "smtp", "agent_id": a.agentID, "tags": []string{"prod", "mail"}}, &d1)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "10.0.0.5", "agent_id": a.agentID}, &d2)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "Bücher.Example."}, &d3)
		if d2.Port != 443 || d2.Protocol != "tls" || d2.Status != "pending" {
			t.Fatalf("defaults: %+v", d2)
		}
		if d3.Host != "xn--bcher-kva.example" {
			t.Fatalf("IDN stored as %q", d3.Host)
		}

		agent := srv.agentClient(t, a)
		var targets wire.TargetsResponse
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if len(targets.Targets) != 2 || targets.IntervalSeconds != 14400 || targets.Agent.ID != a.agentID {
			t.Fatalf("targets: %+v", targets)
		}

		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "mail.internal", 10)
		now := time.Now().UTC()
		batch := wire.ResultsRequest{BatchID: "b-1", AgentVersion: "1.2.3", Results: []wire.Result{
			{TargetID: d1.ID, Address: "10.0.0.9:587", ObservedAt: now, DurationMS: 12, TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()},
			{TargetID: d2.ID, Address: "10.0.0.5:443", ObservedAt: now, Error: "connection refused", ErrorKind: "refused"},
		}}
		var res wire.ResultsResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", batch, &res)
		if res.Accepted != 2 || len(res.Rejected) != 0 {
			t.Fatalf("results: %+v", res)
		}

		var got domainOut
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d1.ID, nil, &got)
		// One day into an 11-day life: healthy, whatever the days left.
		if got.Status != "ok" || got.DaysLeft == nil || *got.DaysLeft != 10 || got.SHA256 == nil || *got.SHA256 != fingerprint(chain.ders[0]) {
			t.Fatalf("domain after results: %+v", got)
		}
		if len(got.Chain) != 3 || got.Chain[1].SHA256 != fingerprint(interDER) || len(got.History) != 1 {
			t.Fatalf("chain/history: %+v", got)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d2.ID, nil, &got)
		if got.Status != "unreachable" {
			t.Fatalf("refused target status %q", got.Status)
		}
		var agents listOut[struct {
			Status  string
			Version string
			Targets int
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/agents", nil, &agents)
		if agents.Total != 1 || agents.Items[0].Status != "online" || agents.Items[0].Version != "1.2.3" || agents.Items[0].Targets != 2 {
			t.Fatalf("agents: %+v", agents)
		}

		// A second organization learns nothing about the first.
		m, _ := srv.signup(t, "mallory@example.com")
		var mTok created
		m.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "w", "scope": "write"}, &mTok)
		var aTokens listOut[struct{ ID string }]
		a.browser.must(http.StatusOK, "GET", "/api/v1/tokens", nil, &aTokens)
		script := srv.bearerClient(t, mTok.Token)
		probes := []struct{ method, path string }{
			{"GET", "/api/v1/domains/" + d1.ID}, {"PATCH", "/api/v1/domains/" + d1.ID}, {"DELETE", "/api/v1/domains/" + d1.ID},
			{"GET", "/api/v1/agents/" + a.agentID}, {"PATCH", "/api/v1/agents/" + a.agentID}, {"DELETE", "/api/v1/agents/" + a.agentID},
			{"DELETE", "/api/v1/tokens/" + aTokens.Items[0].ID},
		}
		for _, who := range []*client{m, script} {
			for _, p := range probes {
				var body any
				if p.method == "PATCH" {
					body = map[string]string{"name": "pwned"}
					if p.path[8:15] == "domains" {
						body = map[string]any{"port": 444}
					}
				}
				r := who.do(p.method, p.path, body)
				if p.path[8:14] == "tokens" && who == script {
					continue // tokens are managed from the dashboard only
				}
				if r.Status != http.StatusNotFound {
					t.Errorf("%s %s by another org: %d %s", p.method, p.path, r.Status, r.Body)
				}
			}
			var l listOut[domainOut]
			who.must(http.StatusOK, "GET", "/api/v1/domains?agent_id="+a.agentID, nil, &l)
			if l.Total != 0 {
				t.Errorf("other org lists %d domains of the first", l.Total)
			}
		}
		r := m.do("POST", "/api/v1/domains", map[string]any{"host": "x.example", "agent_id": a.agentID})
		if r.Status != http.StatusBadRequest || r.errorField() != "agent_id" {
			t.Errorf("assigning another org's agent: %d %s", r.Status, r.Body)
		}
		// Nothing of the first tenant changed.
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d1.ID, nil, &got)
		if got.Port != 587 {
			t.Fatalf("domain changed by another org: %+v", got)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+a.agentID, nil, nil)
	})
}
