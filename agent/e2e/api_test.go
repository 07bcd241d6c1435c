package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"
)

// user drives the HTTP API as the dashboard does: a session cookie from
// signup, and the CSRF token sent back on every state-changing request.
type user struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func signup(t *testing.T, base string) *user {
	t.Helper()
	return signupVia(t, base, nil)
}

// signupVia is signup over transport (nil: the default one).
func signupVia(t *testing.T, base string, transport http.RoundTripper) *user {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &user{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: transport}}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	u.call(http.MethodPost, "/api/v1/auth/signup", map[string]string{
		"email": "ops@e2e.certinel.test", "password": "correct horse battery staple", "organization": "E2E Networks",
	}, http.StatusCreated, &out)
	if out.CSRFToken == "" {
		t.Fatal("signup answered no csrf_token")
	}
	u.csrf = out.CSRFToken
	return u
}

// call sends body as JSON, checks the status and decodes the answer into out.
func (u *user) call(method, path string, body any, want int, out any) {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			u.t.Fatalf("%s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u.base+path, rd)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if u.csrf != "" {
		req.Header.Set("X-CSRF-Token", u.csrf)
	}
	resp, err := u.http.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		u.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			u.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// credentials are what an operator pastes into the agent's environment.
type credentials struct {
	agentID    string
	agentToken string
	apiKey     string
}

func (u *user) createAgent(name string) credentials {
	u.t.Helper()
	var a struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	u.call(http.MethodPost, "/api/v1/agents", map[string]string{"name": name}, http.StatusCreated, &a)
	var tok struct {
		Token string `json:"token"`
	}
	u.call(http.MethodPost, "/api/v1/tokens", map[string]string{"name": name + " key", "scope": "agent"}, http.StatusCreated, &tok)
	if a.ID == "" || a.Token == "" || tok.Token == "" {
		u.t.Fatalf("agent or token created without a secret: agent %+v", a)
	}
	return credentials{agentID: a.ID, agentToken: a.Token, apiKey: tok.Token}
}

func (u *user) uploadCABundle(name, pem string) {
	u.t.Helper()
	u.call(http.MethodPost, "/api/v1/ca-bundles", map[string]string{"name": name, "pem": pem}, http.StatusCreated, nil)
}

// createDomain assigns host:port to the agent and returns the domain's id.
func (u *user) createDomain(host string, port int, protocol, agentID string) string {
	u.t.Helper()
	var d struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	u.call(http.MethodPost, "/api/v1/domains", map[string]any{
		"host": host, "port": port, "protocol": protocol, "agent_id": agentID,
	}, http.StatusCreated, &d)
	if d.Status != "pending" {
		u.t.Errorf("new domain %s:%d has status %q, want pending", host, port, d.Status)
	}
	return d.ID
}

// domain is the part of GET /api/v1/domains/:id the test checks.
type domain struct {
	ID            string   `json:"id"`
	Host          string   `json:"host"`
	Port          int      `json:"port"`
	Status        string   `json:"status"`
	DaysLeft      *int     `json:"days_left"`
	SHA256        *string  `json:"sha256"`
	LastError     string   `json:"last_error"`
	LastErrorKind string   `json:"last_error_kind"`
	TrustStatus   string   `json:"trust_status"`
	Problems      []string `json:"problems"`
	Chain         []struct {
		Position int    `json:"position"`
		SHA256   string `json:"sha256"`
	} `json:"chain"`
	History []struct {
		SHA256 string `json:"sha256"`
		Checks int    `json:"checks"`
	} `json:"history"`
	Errors []struct {
		ErrorKind string `json:"error_kind"`
		Checks    int    `json:"checks"`
	} `json:"errors"`
}

func (u *user) domain(id string) domain {
	u.t.Helper()
	var d domain
	u.call(http.MethodGet, "/api/v1/domains/"+id, nil, http.StatusOK, &d)
	return d
}

// checks counts the checks the server recorded for a domain: handshakes with
// its served certificates plus failures (a run of identical failures is one
// sample with a count; the detail lists ten, more than the test makes).
func (d domain) checks() int {
	n := 0
	for _, h := range d.History {
		n += h.Checks
	}
	for _, e := range d.Errors {
		n += e.Checks
	}
	return n
}

type agentView struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Version string `json:"version"`
}

func (u *user) agents() []agentView {
	u.t.Helper()
	var out struct {
		Items []agentView `json:"items"`
	}
	u.call(http.MethodGet, "/api/v1/agents", nil, http.StatusOK, &out)
	return out.Items
}
