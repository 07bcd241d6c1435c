package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/email/orgrelays"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/server/internal/webui"
)

// forEachDialect runs a test against a fresh server on SQLite and on PostgreSQL.
func forEachDialect(t *testing.T, fn func(t *testing.T, srv *testServer)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, newTestServer(t, d))
		})
	}
}

type testServer struct {
	*httptest.Server
	store  *store.Store
	outbox *outbox.Worker
	routes []*echo.Route
	// handler is the server's Echo instance, for a second listener (TLS);
	// ca is its agent CA.
	handler http.Handler
	ca      *agentca.Authority
	// revocations is the revocation job, evaluator the alert evaluation,
	// for tests to run.
	revocations *revocation.Refresher
	evaluator   *alerts.Evaluator
	// channels are the channel types the server offers.
	channels *notify.Registry
}

func newTestServer(t testing.TB, d store.Dialect) *testServer {
	return newServer(t, d, true)
}

// newServer builds the test server; evaluate runs alert evaluation right
// after each ingest, as the real server does in the background.
func newServer(t testing.TB, d store.Dialect, evaluate bool) *testServer {
	return newServerWith(t, d, evaluate, nil)
}

// newServerWith builds the test server, running prepare on its store
// before the agent CA loads (to import one, say).
func newServerWith(t testing.TB, d store.Dialect, evaluate bool, prepare func(*store.Store)) *testServer {
	st := storetest.Open(t, d, store.Options{})
	if prepare != nil {
		prepare(st)
	}
	return newServerOn(t, st, evaluate)
}

// newServerOn builds the test server on a store the caller opened.
func newServerOn(t testing.TB, st *store.Store, evaluate bool) *testServer {
	return newServerMailing(t, st, evaluate, nil)
}

// newServerMailing builds the test server with mailer as its SMTP relay,
// for the email channels and the server's own mails (password resets); nil
// is a server without SMTP.
func newServerMailing(t testing.TB, st *store.Store, evaluate bool, mailer *email.Provider) *testServer {
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	guard := netguard.New(true)
	var ownMail notify.Sender = mailer
	if mailer == nil {
		mailer, ownMail = email.New(email.Config{}), nil
	}
	// The channel types main offers, with the guard allowing loopback receivers.
	mailer = mailer.WithOrganizationRelays(orgrelays.Store(st), guard.DialContext)
	channels := notifytest.Registry(mailer, webhook.New(guard.HTTPClient(5*time.Second), httppost.GuardHost(guard, nil), nil))
	evaluator := alerts.NewEvaluator(st, "http://certinel.test", log, nil)
	ingester := monitor.NewIngester(st, testRoots(t), log)
	// Evaluate synchronously so that tests see alerts as soon as results land.
	if evaluate {
		ingester.Stored = func(org string) {
			if err := evaluator.RunOrg(context.Background(), org); err != nil {
				t.Errorf("evaluate: %v", err)
			}
		}
	}
	ca, err := agentca.Load(context.Background(), st, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The revocation refresher's guard refuses loopback, as in production.
	revocations := &revocation.Refresher{Store: st, Checker: revocation.NewChecker(netguard.New(false).HTTPClient(30*time.Second), nil, 5*time.Second),
		Log: log, Roots: testRoots(t), Batch: 100, MaxBatches: 1, Concurrency: 2}
	e := httpapi.New(httpapi.Deps{Store: st, Ingester: ingester, Log: log, Channels: channels, UI: webui.Serve(os.DirFS("testdata/ui")),
		AgentCA: ca, Revocations: revocations, Mailer: ownMail})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	worker := &outbox.Worker{Store: st, Providers: channels, Log: log, Holder: "test",
		Batch: 100, Lease: time.Minute, MaxAttempts: 3, Concurrency: 4, SendTimeout: 5 * time.Second,
		RetryBase: time.Millisecond, RetryMax: time.Millisecond, Poll: time.Second}
	return &testServer{Server: srv, store: st, outbox: worker, routes: e.Routes(), handler: e, ca: ca, revocations: revocations,
		evaluator: evaluator, channels: channels}
}

// testLog sends server logs to the test's log, shown on failure.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

// client is one caller: a browser session (cookie jar + CSRF token) or a
// script with a bearer token.
type client struct {
	t       testing.TB
	base    string
	http    *http.Client
	csrf    string
	bearer  string
	headers map[string]string
}

func (s *testServer) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: s.URL, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}, headers: map[string]string{}}
}

func (s *testServer) bearerClient(t testing.TB, token string) *client {
	c := s.client(t)
	c.bearer = token
	return c
}

type response struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r response) errorField() string {
	var e struct {
		Error struct{ Code, Field, Message string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Field
}

func (c *client) raw(method, path string, body []byte, hdr map[string]string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.raw(method, path, b, nil)
}

// must performs a request and fails the test unless the status matches.
func (c *client) must(want int, method, path string, body any, out any) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.json(c.t, out)
	}
	return r
}

type session struct {
	User         struct{ ID, Email string }
	Organization struct{ ID, Name string }
	CSRFToken    string `json:"csrf_token"`
}

// signup creates an account and returns its logged-in browser client.
func (s *testServer) signup(t testing.TB, email string) (*client, session) {
	c := s.client(t)
	var sess session
	c.must(http.StatusCreated, "POST", "/api/v1/auth/signup",
		map[string]string{"email": email, "password": "correct horse battery", "organization": email + " inc"}, &sess)
	c.csrf = sess.CSRFToken
	return c, sess
}

type created struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// tenant is a signed-up organization with an agent and its two credentials.
type tenant struct {
	browser    *client
	session    session
	apiToken   string
	agentID    string
	agentToken string
}

func (s *testServer) newTenant(t testing.TB, email string) tenant {
	b, sess := s.signup(t, email)
	var tok, ag created
	b.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "agent key", "scope": "agent"}, &tok)
	b.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc1"}, &ag)
	return tenant{browser: b, session: sess, apiToken: tok.Token, agentID: ag.ID, agentToken: ag.Token}
}

func (s *testServer) agentClient(t testing.TB, tn tenant) *client {
	c := s.bearerClient(t, tn.apiToken)
	c.headers["X-Agent-Token"] = tn.agentToken
	c.headers["User-Agent"] = "certinel-agent/1.2.3"
	// The agent waits two minutes for an answer: a batch queued behind
	// others on SQLite's one writer may take longer than a browser's call.
	c.http.Timeout = 2 * time.Minute
	return c
}
