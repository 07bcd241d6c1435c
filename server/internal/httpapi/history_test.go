package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type sampleOut struct {
	ObservedAt      time.Time `json:"observed_at"`
	FirstObservedAt time.Time `json:"first_observed_at"`
	Checks          int       `json:"checks"`
	OK              bool      `json:"ok"`
	ErrorKind       string    `json:"error_kind"`
	SHA256          string    `json:"sha256"`
}

// TestDetailAfterUnchangedChecks: checks that change nothing are kept as
// one sample, and the domain detail still tells the latest check, the
// analysis, how often and until when each certificate was seen, and the
// latest failures, and the samples of its uptime strip.
func TestDetailAfterUnchangedChecks(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "hist@example.com")
		var dom domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "www.example.com", "agent_id": a.agentID}, &dom)
		agent := srv.agentClient(t, a)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "www.example.com", 60)
		start := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
		push := func(i int, r wire.Result) {
			r.TargetID, r.ObservedAt = dom.ID, at(i)
			var res wire.ResultsResponse
			agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("h-%d", i), Results: []wire.Result{r}}, &res)
			if res.Accepted != 1 {
				t.Fatalf("batch %d: %+v", i, res)
			}
		}
		served := func(addr string, ms int64) wire.Result {
			return wire.Result{Address: addr, DurationMS: ms, TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()}
		}
		push(0, served("192.0.2.1:443", 10))
		push(1, served("192.0.2.2:443", 11))
		push(2, served("192.0.2.1:443", 12))

		var got struct {
			LastCheck struct {
				ObservedAt time.Time `json:"observed_at"`
				Address    string    `json:"address"`
				DurationMS int64     `json:"duration_ms"`
			} `json:"last_check"`
			Analysis json.RawMessage `json:"analysis"`
			Chain    []struct {
				SHA256 string `json:"sha256"`
			} `json:"chain"`
			History []struct {
				SHA256    string    `json:"sha256"`
				FirstSeen time.Time `json:"first_seen"`
				LastSeen  time.Time `json:"last_seen"`
				Checks    int       `json:"checks"`
			} `json:"history"`
			Errors []struct {
				ObservedAt time.Time `json:"observed_at"`
				Error      string    `json:"error"`
			} `json:"errors"`
			Samples []sampleOut `json:"samples"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if lc := got.LastCheck; !lc.ObservedAt.Equal(at(2)) || lc.Address != "192.0.2.1:443" || lc.DurationMS != 12 {
			t.Errorf("last check: %+v, want at %v", lc, at(2))
		}
		if len(got.Chain) != 3 || got.Chain[0].SHA256 != fingerprint(chain.ders[0]) || string(got.Analysis) == "null" {
			t.Errorf("chain %+v, analysis %s", got.Chain, got.Analysis)
		}
		if h := got.History; len(h) != 1 || h[0].Checks != 3 || !h[0].FirstSeen.Equal(at(0)) || !h[0].LastSeen.Equal(at(2)) {
			t.Errorf("history: %+v", h)
		}

		push(3, wire.Result{Address: "192.0.2.1:443", Error: "connection refused", ErrorKind: "refused"})
		push(4, wire.Result{Address: "192.0.2.1:443", Error: "connect: connection refused", ErrorKind: "refused"})
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if e := got.Errors; len(e) != 1 || !e[0].ObservedAt.Equal(at(4)) || e[0].Error != "connect: connection refused" {
			t.Errorf("errors: %+v", e)
		}
		if len(got.Chain) != 0 || !got.LastCheck.ObservedAt.Equal(at(4)) || len(got.History) != 1 || got.History[0].Checks != 3 {
			t.Errorf("after failures: chain %d, last check %v, history %+v", len(got.Chain), got.LastCheck.ObservedAt, got.History)
		}
		// The strip's samples: each run of identical checks once, newest first.
		leaf := fingerprint(chain.ders[0])
		want := []sampleOut{
			{ObservedAt: at(4), FirstObservedAt: at(3), Checks: 2, ErrorKind: "refused"},
			{ObservedAt: at(2), FirstObservedAt: at(0), Checks: 3, OK: true, SHA256: leaf},
		}
		if len(got.Samples) != len(want) {
			t.Fatalf("samples: %+v", got.Samples)
		}
		for i, w := range want {
			if g := got.Samples[i]; !g.ObservedAt.Equal(w.ObservedAt) || !g.FirstObservedAt.Equal(w.FirstObservedAt) || g.Checks != w.Checks ||
				g.OK != w.OK || g.ErrorKind != w.ErrorKind || g.SHA256 != w.SHA256 {
				t.Errorf("sample %d: %+v, want %+v", i, g, w)
			}
		}
	})
}
