package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// fetchOpenAPI reads the document the way clients do: over HTTP, unauthenticated.
func fetchOpenAPI(t testing.TB, srv *testServer) []byte {
	t.Helper()
	r := srv.client(t).must(http.StatusOK, "GET", "/api/v1/openapi.json", nil, nil)
	return r.Body
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPIDocumentsEveryRoute compares the routes the real Echo instance
// registers with the operations of the document, both ways: adding a route
// without documenting it, or documenting one that does not exist, fails.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	st := storetest.Open(t, store.SQLite, store.Options{})
	e := httpapi.New(httpapi.Deps{Store: st, Log: slog.New(slog.DiscardHandler)})
	registered := map[string]bool{}
	for _, r := range e.Routes() {
		// Catch-alls (the API's 404, the dashboard's SPA fallback, Echo's
		// group not-found entries) are not endpoints.
		if strings.Contains(r.Path, "*") || r.Method == echo.RouteNotFound {
			continue
		}
		registered[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = true
	}

	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(fetchOpenAPI(t, newTestServer(t, store.SQLite)), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, op := range sortedKeys(registered) {
		if !documented[op] {
			t.Errorf("route %s is registered but not in openapi/openapi.json", op)
		}
	}
	for _, op := range sortedKeys(documented) {
		if !registered[op] {
			t.Errorf("openapi/openapi.json documents %s, which the server does not register", op)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIDocumentIsValid checks the document against the OpenAPI 3.1
// schema, and that it is served with caching headers.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	srv := newTestServer(t, store.SQLite)
	v := newSpecValidator(t, fetchOpenAPI(t, srv))
	if ok, errs := v.v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("openapi.json: %s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  at %s (%s): %s", se.FieldPath, se.KeywordLocation, se.Reason)
			}
		}
	}

	r := srv.client(t).must(http.StatusOK, "GET", "/api/v1/openapi.json", nil, nil)
	etag := r.Header.Get("ETag")
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || etag == "" ||
		!strings.Contains(r.Header.Get("Cache-Control"), "max-age=") {
		t.Fatalf("headers: %v", r.Header)
	}
	again := srv.client(t).raw("GET", "/api/v1/openapi.json", nil, map[string]string{"If-None-Match": etag})
	if again.Status != http.StatusNotModified || len(again.Body) != 0 {
		t.Errorf("revalidation with the ETag: %d, %d bytes", again.Status, len(again.Body))
	}
}

// specValidator checks every response a test client receives against the
// document: the schema of its operation and status, in strict mode, so an
// undocumented field fails as surely as a missing one.
type specValidator struct {
	t  testing.TB
	v  validator.Validator
	mu sync.Mutex
}

func newSpecValidator(t testing.TB, doc []byte) *specValidator {
	t.Helper()
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	v, errs := validator.NewValidator(d, config.WithStrictMode(), config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("openapi.json: %v", errs)
	}
	return &specValidator{t: t, v: v}
}

// watch makes every response of c go through the validator.
func (s *specValidator) watch(c *client) *client {
	base := c.http.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.http.Transport = roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		s.check(req, resp, body)
		return resp, nil
	})
	return c
}

func (s *specValidator) check(req *http.Request, resp *http.Response, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	copied := *resp
	copied.Body = io.NopCloser(bytes.NewReader(body))
	ok, errs := s.v.ValidateHttpResponse(req, &copied)
	if ok {
		return
	}
	for _, e := range errs {
		s.t.Errorf("%s %s → %d does not match openapi.json: %s: %s", req.Method, req.URL.Path, resp.StatusCode, e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			s.t.Errorf("  at %s (%s): %s", se.FieldPath, se.KeywordLocation, se.Reason)
		}
	}
	s.t.Logf("body: %.2000s", body)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOpenAPIResponsesMatchSchemas drives a customer's whole flow through
// the server and validates every response against the document.
func TestOpenAPIResponsesMatchSchemas(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		spec := newSpecValidator(t, fetchOpenAPI(t, srv))
		anon := spec.watch(srv.client(t))
		anon.must(http.StatusOK, "GET", "/healthz", nil, nil)
		anon.must(http.StatusOK, "GET", "/readyz", nil, nil)
		anon.must(http.StatusUnauthorized, "GET", "/api/v1/domains", nil, nil)
		anon.must(http.StatusBadRequest, "POST", "/api/v1/auth/signup", map[string]string{"email": "nope"}, nil)

		var sess session
		browser := spec.watch(srv.client(t))
		browser.must(http.StatusCreated, "POST", "/api/v1/auth/signup",
			map[string]string{"email": "spec@example.com", "password": "correct horse battery", "organization": "Spec"}, &sess)
		browser.csrf = sess.CSRFToken
		anon.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": "spec@example.com", "password": "wrong password"}, nil)
		spec.watch(srv.client(t)).must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "spec@example.com", "password": "correct horse battery"}, nil)
		browser.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		var agentTok, writeTok, readTok, ag created
		browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "agent", "scope": "agent"}, &agentTok)
		browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &writeTok)
		browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]any{"name": "ro", "scope": "read", "expires_at": "2099-01-01T00:00:00Z"}, &readTok)
		browser.must(http.StatusOK, "GET", "/api/v1/tokens", nil, nil)
		browser.must(http.StatusBadRequest, "POST", "/api/v1/tokens", map[string]string{"name": "", "scope": "root"}, nil)
		script := spec.watch(srv.bearerClient(t, writeTok.Token))
		reader := spec.watch(srv.bearerClient(t, readTok.Token))
		script.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
		reader.must(http.StatusForbidden, "POST", "/api/v1/agents", map[string]string{"name": "x"}, nil)

		browser.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc1"}, &ag)
		browser.must(http.StatusOK, "GET", "/api/v1/agents", nil, nil)
		browser.must(http.StatusOK, "GET", "/api/v1/agents/"+ag.ID, nil, nil)
		browser.must(http.StatusOK, "PATCH", "/api/v1/agents/"+ag.ID, map[string]string{"name": "dc-1"}, nil)
		browser.must(http.StatusNotFound, "GET", "/api/v1/agents/00000000-0000-0000-0000-000000000000", nil, nil)
		browser.must(http.StatusOK, "GET", "/api/v1/agent-downloads", nil, nil)
		var both struct {
			created
			APIKey struct {
				Token string `json:"token"`
			} `json:"api_key"`
		}
		browser.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]any{"name": "dc2", "create_api_key": true}, &both)
		browser.must(http.StatusAccepted, "POST", "/api/v1/agents/"+both.ID+"/token", map[string]string{"mode": "graceful"}, nil)
		rotating := spec.watch(srv.bearerClient(t, both.APIKey.Token))
		rotating.headers["X-Agent-Token"] = both.Token
		rotating.must(http.StatusOK, "POST", "/api/v1/agent/token", nil, nil)
		browser.must(http.StatusOK, "POST", "/api/v1/agents/"+both.ID+"/token", map[string]string{"mode": "revoke"}, nil)
		browser.must(http.StatusBadRequest, "POST", "/api/v1/agents/"+both.ID+"/token", map[string]string{"mode": "sometime"}, nil)

		var good, down, spare domainOut
		script.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "app.internal", "agent_id": ag.ID, "tags": []string{"prod"}}, &good)
		script.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "mail.internal", "port": 587, "protocol": "smtp", "agent_id": ag.ID, "sni": "mx.internal"}, &down)
		script.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "spare.example", "renew_after_fraction": 0.66}, &spare)
		script.must(http.StatusConflict, "POST", "/api/v1/domains", map[string]any{"host": "spare.example"}, nil)
		script.must(http.StatusBadRequest, "POST", "/api/v1/domains", map[string]any{"host": "", "port": 0}, nil)
		script.must(http.StatusOK, "GET", "/api/v1/domains/"+spare.ID, nil, nil)
		script.must(http.StatusOK, "PATCH", "/api/v1/domains/"+spare.ID, map[string]any{"tags": []string{"spare"}, "renew_after_fraction": nil}, nil)

		agent := spec.watch(srv.bearerClient(t, agentTok.Token))
		agent.headers["X-Agent-Token"] = ag.Token
		agent.headers["User-Agent"] = "certinel-agent/1.0.0"
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "app.internal", 20)
		now := time.Now().UTC().Format(time.RFC3339)
		batch := map[string]any{"batch_id": "spec-1", "agent_version": "1.0.0", "results": []map[string]any{
			{"target_id": good.ID, "address": "10.0.0.1:443", "observed_at": now, "duration_ms": 5,
				"tls_version": "TLS 1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256", "chain": chain.base64()},
			{"target_id": down.ID, "address": "10.0.0.2:587", "observed_at": now, "chain": []string{}, "error": "connection refused", "error_kind": "refused"},
			{"target_id": "not-a-target", "address": "10.0.0.3:443", "observed_at": now, "chain": []string{}},
		}}
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", batch, nil)
		agent.must(http.StatusConflict, "POST", "/api/v1/agent/results", batch, nil)
		anon.must(http.StatusUnauthorized, "GET", "/api/v1/agent/targets", nil, nil)

		script.must(http.StatusOK, "GET", "/api/v1/domains?sort=-days_left&status=expiring", nil, nil)
		var first struct {
			NextCursor string `json:"next_cursor"`
		}
		script.must(http.StatusOK, "GET", "/api/v1/domains?sort=-days_left&per_page=1", nil, &first)
		script.must(http.StatusOK, "GET", "/api/v1/domains?sort=-days_left&per_page=1&cursor="+first.NextCursor, nil, nil)
		script.must(http.StatusBadRequest, "GET", "/api/v1/domains?cursor=x", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/domains/"+good.ID, nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/domains/"+down.ID, nil, nil)
		script.must(http.StatusBadRequest, "GET", "/api/v1/domains?per_page=1000", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/domains/export", nil, nil)
		csv := script.raw("POST", "/api/v1/domains/import", []byte("host,port,tags\nnew.example,8443,a;b\nspare.example,443,\n"), map[string]string{"Content-Type": "text/csv"})
		if csv.Status != http.StatusOK {
			t.Fatalf("import: %d %s", csv.Status, csv.Body)
		}
		if r := script.raw("POST", "/api/v1/domains/import", []byte("host,port\n,99999\n"), map[string]string{"Content-Type": "text/csv"}); r.Status != http.StatusBadRequest {
			t.Fatalf("bad import: %d %s", r.Status, r.Body)
		}

		script.must(http.StatusOK, "GET", "/api/v1/certificates", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/certificates/"+fingerprint(chain.ders[0]), nil, nil)
		script.must(http.StatusNotFound, "GET", "/api/v1/certificates/"+strings.Repeat("0", 64), nil, nil)

		var bundle created
		rootPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER}))
		script.must(http.StatusCreated, "POST", "/api/v1/ca-bundles", map[string]string{"name": "corp", "pem": rootPEM}, &bundle)
		script.must(http.StatusOK, "GET", "/api/v1/ca-bundles", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/ca-bundles/"+bundle.ID, nil, nil)
		script.must(http.StatusNoContent, "DELETE", "/api/v1/ca-bundles/"+bundle.ID, nil, nil)

		hook := newHookReceiver(t, "s3cret")
		var ch, rule created
		script.must(http.StatusOK, "GET", "/api/v1/channels", nil, nil)
		script.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": "webhook", "name": "ops",
			"config": map[string]string{"url": hook.URL + "/hook", "secret": "s3cret"}}, &ch)
		script.must(http.StatusOK, "GET", "/api/v1/channels/"+ch.ID, nil, nil)
		script.must(http.StatusOK, "PATCH", "/api/v1/channels/"+ch.ID, map[string]any{"name": "ops team", "digest": true}, nil)
		script.must(http.StatusOK, "POST", "/api/v1/channels/"+ch.ID+"/test", nil, nil)
		script.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "prod", "thresholds_days": []int{21, 7},
			"channel_ids": []string{ch.ID}, "scope": map[string]any{"tags": []string{"prod"}}}, &rule)
		script.must(http.StatusOK, "GET", "/api/v1/alert-rules", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/alert-rules/"+rule.ID, nil, nil)
		script.must(http.StatusOK, "PATCH", "/api/v1/alert-rules/"+rule.ID, map[string]any{"name": "prod", "enabled": false}, nil)
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", map[string]any{"batch_id": "spec-2", "results": []map[string]any{
			{"target_id": good.ID, "address": "10.0.0.1:443", "observed_at": now, "chain": chain.base64()}}}, nil)
		if _, err := srv.outbox.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		script.must(http.StatusOK, "GET", "/api/v1/events", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/events?state=open", nil, nil)

		script.must(http.StatusOK, "GET", "/api/v1/insights/expiry-clusters?days=365&min=1", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/insights/stale", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/insights/key-exchange", nil, nil)
		script.must(http.StatusOK, "GET", "/api/v1/domains?post_quantum=unknown", nil, nil)
		reader.must(http.StatusOK, "GET", "/api/v1/metrics", nil, nil)

		script.must(http.StatusNoContent, "DELETE", "/api/v1/alert-rules/"+rule.ID, nil, nil)
		script.must(http.StatusNoContent, "DELETE", "/api/v1/channels/"+ch.ID, nil, nil)
		script.must(http.StatusNoContent, "DELETE", "/api/v1/domains/"+spare.ID, nil, nil)
		script.must(http.StatusNoContent, "DELETE", "/api/v1/agents/"+ag.ID, nil, nil)
		browser.must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+readTok.ID, nil, nil)
		browser.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil, nil)
	})
}
