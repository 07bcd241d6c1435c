package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

func TestDomainValidation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "v@example.com")
		cases := []struct {
			name  string
			body  string
			field string
		}{
			{"malformed json", `{"host": "a.example",`, ""},
			{"not an object", `[1,2]`, ""},
			{"trailing data", `{"host":"a.example"} {}`, ""},
			{"unknown field", `{"host":"a.example","hots":"x"}`, "hots"},
			{"wrong type", `{"host":"a.example","port":"443"}`, "port"},
			{"missing host", `{}`, "host"},
			{"empty host", `{"host":"  "}`, "host"},
			{"bad host", `{"host":"exa mple.com"}`, "host"},
			{"wildcard host", `{"host":"*.example.com"}`, "host"},
			{"label too long", `{"host":"` + strings.Repeat("a", 64) + `.com"}`, "host"},
			{"url instead of host", `{"host":"https://example.com/"}`, "host"},
			{"port zero", `{"host":"a.example","port":0}`, "port"},
			{"port too big", `{"host":"a.example","port":70000}`, "port"},
			{"negative port", `{"host":"a.example","port":-1}`, "port"},
			{"unknown protocol", `{"host":"a.example","protocol":"gopher"}`, "protocol"},
			{"sni is an ip", `{"host":"a.example","sni":"10.0.0.1"}`, "sni"},
			{"bad tag", `{"host":"a.example","tags":["ok","no spaces"]}`, "tags"},
			{"unknown agent", `{"host":"a.example","agent_id":"01a20000-0000-7000-8000-000000000000"}`, "agent_id"},
			{"garbage agent id", `{"host":"a.example","agent_id":"'; DROP TABLE domains;--"}`, "agent_id"},
		}
		for _, tc := range cases {
			r := a.browser.raw("POST", "/api/v1/domains", []byte(tc.body), nil)
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400: %s", tc.name, r.Status, r.Body)
				continue
			}
			if r.errorField() != tc.field {
				t.Errorf("%s: field %q, want %q: %s", tc.name, r.errorField(), tc.field, r.Body)
			}
		}
		// Several bad fields are all reported.
		r := a.browser.do("POST", "/api/v1/domains", map[string]any{"host": "", "port": 0, "protocol": "x"})
		var e struct {
			Error struct{ Details []struct{ Field string } } `json:"error"`
		}
		r.json(t, &e)
		if len(e.Error.Details) != 3 {
			t.Errorf("want 3 field errors, got %s", r.Body)
		}
		// Oversized body.
		big := `{"host":"a.example","tags":["` + strings.Repeat("x", 2<<20) + `"]}`
		if r := a.browser.raw("POST", "/api/v1/domains", []byte(big), nil); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d %s", r.Status, r.Body)
		}
		// Nothing was half-written.
		var l listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains", nil, &l)
		if l.Total != 0 {
			t.Fatalf("bad requests left %d domains", l.Total)
		}
		// Duplicates conflict; the same host through another agent does not.
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "[::1]"[1:4], "port": 8443}, nil)
		if r := a.browser.do("POST", "/api/v1/domains", map[string]any{"host": "0:0::1", "port": 8443}); r.Status != http.StatusConflict {
			t.Errorf("duplicate domain: %d %s", r.Status, r.Body)
		}
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "::1", "port": 8443, "agent_id": a.agentID}, nil)
		// Bad list parameters.
		for _, q := range []string{"page=0", "per_page=1000", "status=weird", "sort=password", "expires_before=tomorrow"} {
			if r := a.browser.do("GET", "/api/v1/domains?"+q, nil); r.Status != http.StatusBadRequest {
				t.Errorf("GET ?%s: %d %s", q, r.Status, r.Body)
			}
		}
	})
}

func TestCredentials(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "c@example.com")
		b := srv.newTenant(t, "d@example.com")

		// CSRF: a cookie alone cannot change anything.
		noCSRF := *a.browser
		noCSRF.csrf = ""
		if r := noCSRF.do("POST", "/api/v1/agents", map[string]string{"name": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("write without CSRF token: %d", r.Status)
		}
		noCSRF.csrf = "forged"
		if r := noCSRF.do("POST", "/api/v1/agents", map[string]string{"name": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("write with a forged CSRF token: %d", r.Status)
		}
		noCSRF.csrf = ""
		noCSRF.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		// Token scopes.
		var rd, wr created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "r", "scope": "read"}, &rd)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "w", "scope": "write"}, &wr)
		if !strings.HasPrefix(rd.Token, "cnl_api_") {
			t.Errorf("token prefix: %q", rd.Token)
		}
		reader := srv.bearerClient(t, rd.Token)
		reader.must(http.StatusOK, "GET", "/api/v1/domains", nil, nil)
		if r := reader.do("POST", "/api/v1/domains", map[string]string{"host": "a.example"}); r.Status != http.StatusForbidden {
			t.Errorf("read token writing: %d", r.Status)
		}
		agentKey := srv.bearerClient(t, a.apiToken)
		if r := agentKey.do("GET", "/api/v1/domains", nil); r.Status != http.StatusForbidden {
			t.Errorf("agent token reading domains: %d", r.Status)
		}
		writer := srv.bearerClient(t, wr.Token)
		writer.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]string{"host": "a.example"}, nil)
		if r := writer.do("POST", "/api/v1/tokens", map[string]string{"name": "more", "scope": "write"}); r.Status != http.StatusForbidden {
			t.Errorf("token minting tokens: %d", r.Status)
		}

		// Wrong, revoked and expired tokens.
		for _, tok := range []string{"", "cnl_api_nope", wr.Token + "x", "Basic Zm9vOmJhcg=="} {
			if r := srv.bearerClient(t, tok).do("GET", "/api/v1/domains", nil); r.Status != http.StatusUnauthorized {
				t.Errorf("token %q: %d", tok, r.Status)
			}
		}
		a.browser.must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+wr.ID, nil, nil)
		if r := writer.do("GET", "/api/v1/domains", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("revoked token: %d", r.Status)
		}
		var exp created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]any{"name": "e", "scope": "read", "expires_at": time.Now().Add(1500 * time.Millisecond)}, &exp)
		srv.bearerClient(t, exp.Token).must(http.StatusOK, "GET", "/api/v1/domains", nil, nil)
		time.Sleep(1600 * time.Millisecond)
		if r := srv.bearerClient(t, exp.Token).do("GET", "/api/v1/domains", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("expired token: %d", r.Status)
		}
		if r := a.browser.do("POST", "/api/v1/tokens", map[string]any{"name": "e", "scope": "admin"}); r.Status != 400 || r.errorField() != "scope" {
			t.Errorf("bad scope: %d %s", r.Status, r.Body)
		}
		var toks listOut[struct {
			ID         string     `json:"id"`
			Token      string     `json:"token"`
			LastUsedAt *time.Time `json:"last_used_at"`
			RevokedAt  *time.Time `json:"revoked_at"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/tokens", nil, &toks)
		for _, tk := range toks.Items {
			if tk.Token != "" {
				t.Errorf("token list shows a secret")
			}
			if tk.ID == wr.ID && (tk.RevokedAt == nil || tk.LastUsedAt == nil) {
				t.Errorf("revoked token: %+v", tk)
			}
		}

		// Agent credentials: both needed, same organization.
		pairs := []struct {
			name       string
			api, agent string
		}{
			{"agent token with another org's api key", b.apiToken, a.agentToken},
			{"api key with another org's agent token", a.apiToken, b.agentToken},
			{"no agent token", a.apiToken, ""},
			{"read scope api key", rd.Token, a.agentToken},
			{"agent token as api key", a.agentToken, a.agentToken},
		}
		for _, p := range pairs {
			c := srv.bearerClient(t, p.api)
			if p.agent != "" {
				c.headers["X-Agent-Token"] = p.agent
			}
			if r := c.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
				t.Errorf("%s: %d", p.name, r.Status)
			}
		}
		srv.agentClient(t, a).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		// Logout ends the session.
		a.browser.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil, nil)
		if r := a.browser.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("after logout: %d", r.Status)
		}
	})
}

func TestLogin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		srv.signup(t, "l@example.com")
		c := srv.client(t)
		var s session
		c.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "L@Example.com", "password": "correct horse battery"}, &s)
		if s.CSRFToken == "" || s.User.Email != "l@example.com" {
			t.Fatalf("login: %+v", s)
		}
		c.csrf = s.CSRFToken
		c.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "x"}, nil)
		if r := srv.client(t).do("POST", "/api/v1/auth/signup", map[string]string{"email": "l@example.com", "password": "another password", "organization": "x"}); r.Status != http.StatusCreated {
			t.Errorf("second signup with one email: %d, want 201 like a fresh one", r.Status)
		}
		// Wrong passwords are refused, then rate-limited.
		limited := false
		for i := 0; i < 8; i++ {
			r := srv.client(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "l@example.com", "password": "wrong password"})
			switch r.Status {
			case http.StatusUnauthorized:
			case http.StatusTooManyRequests:
				limited = true
				if r.Header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
			default:
				t.Fatalf("wrong password: %d %s", r.Status, r.Body)
			}
		}
		if !limited {
			t.Errorf("8 wrong passwords in a row were never rate-limited")
		}
	})
}

func TestResultsIngest(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "r@example.com")
		other := srv.newTenant(t, "s@example.com")
		var d, foreign domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "db.internal", "port": 5432, "protocol": "postgres", "agent_id": a.agentID}, &d)
		other.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "db.internal", "agent_id": other.agentID}, &foreign)
		_, inter, rootDER, interDER := newCA(t)
		good := leafChain(t, inter, rootDER, interDER, "db.internal", 100)
		corrupt := good.base64()
		corrupt[1] = base64.StdEncoding.EncodeToString([]byte("not a certificate"))
		now := time.Now().UTC()
		results := []wire.Result{
			{TargetID: d.ID, ObservedAt: now, Chain: good.base64()},                                         // 0 good
			{TargetID: d.ID, ObservedAt: now, Chain: corrupt},                                               // 1 corrupt DER
			{TargetID: d.ID, ObservedAt: now, Chain: []string{"%%%"}},                                       // 2 bad base64
			{TargetID: foreign.ID, ObservedAt: now, Chain: good.base64()},                                   // 3 other org's target
			{TargetID: d.ID, ObservedAt: now},                                                               // 4 neither chain nor error
			{TargetID: d.ID, ObservedAt: now.Add(48 * time.Hour), Chain: good.base64()},                     // 5 future
			{ObservedAt: now, Chain: good.base64()},                                                         // 6 no target
			{TargetID: d.ID, Chain: good.base64()},                                                          // 7 no time
			{TargetID: d.ID, ObservedAt: now.Add(-time.Minute), Error: "i/o timeout", ErrorKind: "timeout"}, // 8 good, older
		}
		batch := wire.ResultsRequest{BatchID: "batch-42", AgentVersion: "t", Results: results}
		agent := srv.agentClient(t, a)
		var res wire.ResultsResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", batch, &res)
		var idx []int
		for _, r := range res.Rejected {
			idx = append(idx, r.Index)
			if r.Error == "" {
				t.Errorf("rejection %d without a reason", r.Index)
			}
		}
		if res.Accepted != 2 || len(idx) != 7 || idx[0] != 1 || idx[6] != 7 {
			t.Fatalf("accepted %d, rejected %v: %+v", res.Accepted, idx, res)
		}
		var got domainOut
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d.ID, nil, &got)
		if got.Status != "ok" || got.SHA256 == nil || *got.SHA256 != fingerprint(good.ders[0]) {
			t.Fatalf("older error must not hide the newer chain: %+v", got)
		}

		// A replay stores nothing and says so.
		r := agent.do("POST", "/api/v1/agent/results", batch)
		if r.Status != http.StatusConflict {
			t.Fatalf("replay: %d %s", r.Status, r.Body)
		}
		var replay wire.ResultsResponse
		r.json(t, &replay)
		if replay.Accepted != 2 || len(replay.Rejected) != 7 {
			t.Errorf("replay answer: %s", r.Body)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+d.ID, nil, &got)
		if len(got.History) != 1 {
			t.Errorf("history after replay: %+v", got.History)
		}
		// The same batch ID from another organization is its own batch.
		oc := srv.agentClient(t, other)
		oc.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "batch-42", Results: []wire.Result{{TargetID: foreign.ID, ObservedAt: now, Error: "x"}}}, nil)

		// gzip bodies, gzip bombs, broken gzip, oversized batches.
		var zbuf bytes.Buffer
		zw := gzip.NewWriter(&zbuf)
		_ = json.NewEncoder(zw).Encode(wire.ResultsRequest{BatchID: "gz", Results: []wire.Result{{TargetID: d.ID, ObservedAt: now, Chain: good.base64()}}})
		_ = zw.Close()
		if r := agent.raw("POST", "/api/v1/agent/results", zbuf.Bytes(), map[string]string{"Content-Encoding": "gzip"}); r.Status != http.StatusOK {
			t.Errorf("gzip batch: %d %s", r.Status, r.Body)
		}
		zbuf.Reset()
		zw = gzip.NewWriter(&zbuf)
		_, _ = zw.Write([]byte(`{"batch_id":"bomb","results":[{"error":"`))
		chunk := bytes.Repeat([]byte("A"), 1<<20)
		for i := 0; i < 80; i++ {
			_, _ = zw.Write(chunk)
		}
		_ = zw.Close()
		if r := agent.raw("POST", "/api/v1/agent/results", zbuf.Bytes(), map[string]string{"Content-Encoding": "gzip"}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("gzip bomb: %d %s", r.Status, r.Body)
		}
		if r := agent.raw("POST", "/api/v1/agent/results", []byte("not gzip"), map[string]string{"Content-Encoding": "gzip"}); r.Status != http.StatusBadRequest {
			t.Errorf("broken gzip: %d", r.Status)
		}
		many := make([]wire.Result, 10_001)
		if r := agent.do("POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "many", Results: many}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("10001 results: %d", r.Status)
		}
		for _, body := range []string{`{"results":[{"target_id":"x"}]}`, `{"batch_id":"e","results":[]}`, `{"batch_id":"u","results":[],"extra":1}`} {
			if r := agent.raw("POST", "/api/v1/agent/results", []byte(body), nil); r.Status != http.StatusBadRequest {
				t.Errorf("%s: %d", body, r.Status)
			}
		}
	})
}
