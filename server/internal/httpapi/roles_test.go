package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/store"
)

// Who may call a route: the role table of README.md, written out again
// here on its own so that a change to the route table cannot also change
// the expectation.
const (
	anyone     = "public"        // no credentials needed
	agentOnly  = "agent"         // agent protocol credentials
	readers    = "read"          // every role, read and write tokens
	writers    = "write"         // member and up, write tokens
	admins     = "admin"         // admin and up, write tokens
	owners     = "owner"         // owners in the dashboard
	people     = "session"       // any role in the dashboard, no tokens
	adminsOnly = "session-admin" // admins and owners in the dashboard
)

var roleTable = map[string]string{
	"GET /healthz": anyone, "GET /readyz": anyone,
	"POST /api/v1/auth/signup": anyone, "POST /api/v1/auth/login": anyone, "POST /api/v1/auth/logout": anyone,
	"POST /api/v1/invitations/accept": anyone, "GET /api/v1/openapi.json": anyone,
	"POST /api/v1/auth/login/two-factor": anyone, "POST /api/v1/invitations/preview": anyone,
	"GET /api/v1/auth/password-reset": anyone, "POST /api/v1/auth/password-reset": anyone, "POST /api/v1/auth/password-reset/confirm": anyone,
	"POST /api/v1/account/password": people, "GET /api/v1/account/sessions": people, "DELETE /api/v1/account/sessions": people,
	"DELETE /api/v1/account/sessions/:id": people, "GET /api/v1/account/two-factor": people,
	"POST /api/v1/account/two-factor/setup": people, "POST /api/v1/account/two-factor/enable": people,
	"POST /api/v1/account/two-factor/disable": people,
	"GET /api/v1/agent/targets":               agentOnly, "POST /api/v1/agent/results": agentOnly, "POST /api/v1/agent/channel": agentOnly,
	"POST /api/v1/agent/revocation": agentOnly,
	"POST /api/v1/agent/token":      agentOnly, "GET /downloads/agent/:file": anyone,
	"POST /api/v1/agent/renew": agentOnly, "POST /api/v1/agent/enroll": anyone, // the join token authenticates
	"GET /pki/crl.der": anyone, "GET /pki/crl.pem": anyone,
	"GET /api/v1/me": readers, "GET /api/v1/organization": readers, "PATCH /api/v1/organization": owners,
	"GET /api/v1/organization/smtp-relay": owners, "PUT /api/v1/organization/smtp-relay": owners,
	"DELETE /api/v1/organization/smtp-relay": owners, "POST /api/v1/organization/smtp-relay/test": owners,
	"GET /api/v1/tokens": people, "POST /api/v1/tokens": adminsOnly, "DELETE /api/v1/tokens/:id": adminsOnly,
	"GET /api/v1/agents": readers, "POST /api/v1/agents": admins, "GET /api/v1/agents/:id": readers,
	"PATCH /api/v1/agents/:id": admins, "DELETE /api/v1/agents/:id": admins, "POST /api/v1/agents/:id/token": admins,
	"POST /api/v1/agents/:id/join-tokens": adminsOnly, "POST /api/v1/agents/:id/certificate/revoke": admins,
	"GET /api/v1/agents/:id/certificates": readers, "POST /api/v1/agents/:id/certificates/:serial/revoke": admins,
	"GET /api/v1/agent-enrollments": admins, "POST /api/v1/agent-enrollments/:id/approve": adminsOnly,
	"POST /api/v1/agent-enrollments/:id/reject": adminsOnly, "GET /api/v1/agent/enrollments/:id": anyone,
	"GET /api/v1/agent-downloads": readers,
	"GET /api/v1/domains":         readers, "POST /api/v1/domains": writers, "POST /api/v1/domains/import": writers,
	"GET /api/v1/domains/export": readers, "GET /api/v1/domains/:id": readers, "PATCH /api/v1/domains/:id": writers,
	"DELETE /api/v1/domains/:id": writers, "POST /api/v1/domains/:id/check": writers, "POST /api/v1/domains/check": writers,
	"GET /api/v1/check-requests/:id": readers, "GET /api/v1/file-sources": readers, "GET /api/v1/file-sources/:id": readers,
	"GET /api/v1/certificates": readers, "GET /api/v1/certificates/:sha256": readers, "GET /api/v1/revocation-sources": readers,
	"POST /api/v1/revocation-sources/crls": writers,
	"GET /api/v1/ca-bundles":               readers, "POST /api/v1/ca-bundles": admins, "GET /api/v1/ca-bundles/:id": readers,
	"DELETE /api/v1/ca-bundles/:id": admins,
	"GET /api/v1/acme-directories":  readers, "POST /api/v1/acme-directories": admins, "DELETE /api/v1/acme-directories/:id": admins,
	"GET /api/v1/channel-types": readers, "GET /api/v1/channels": readers, "POST /api/v1/channels": admins, "GET /api/v1/channels/:id": readers,
	"PATCH /api/v1/channels/:id": admins, "DELETE /api/v1/channels/:id": admins, "POST /api/v1/channels/:id/test": admins,
	"GET /api/v1/alert-rules": readers, "POST /api/v1/alert-rules": admins, "GET /api/v1/alert-rules/:id": readers,
	"PATCH /api/v1/alert-rules/:id": admins, "DELETE /api/v1/alert-rules/:id": admins,
	"GET /api/v1/events":     readers,
	"GET /api/v1/events/:id": readers, "POST /api/v1/events/:id/acknowledge": writers, "DELETE /api/v1/events/:id/acknowledge": writers,
	"POST /api/v1/events/:id/snooze": writers, "DELETE /api/v1/events/:id/snooze": writers,
	"GET /api/v1/maintenance-windows": readers, "POST /api/v1/maintenance-windows": writers,
	"GET /api/v1/maintenance-windows/:id": readers, "PATCH /api/v1/maintenance-windows/:id": writers,
	"DELETE /api/v1/maintenance-windows/:id": writers,
	"GET /api/v1/insights/expiry-clusters":   readers, "GET /api/v1/insights/stale": readers,
	"GET /api/v1/insights/key-exchange": readers, "GET /api/v1/onboarding": readers,
	"GET /api/v1/metrics": readers,
	"GET /api/v1/members": readers, "PATCH /api/v1/members/:user_id": owners, "DELETE /api/v1/members/me": people,
	"DELETE /api/v1/members/:user_id": owners,
	"GET /api/v1/invitations":         owners, "POST /api/v1/invitations": owners, "DELETE /api/v1/invitations/:id": owners,
	"GET /api/v1/audit-log": admins, "GET /api/v1/audit-log/facets": admins, "GET /api/v1/audit-log/export": admins,
	"GET /api/v1/discovery-jobs": readers, "POST /api/v1/discovery-jobs": writers, "GET /api/v1/discovery-jobs/:id": readers,
	"PATCH /api/v1/discovery-jobs/:id": writers, "DELETE /api/v1/discovery-jobs/:id": writers,
	"POST /api/v1/discovery-jobs/:id/run": writers,
	"GET /api/v1/discovered":              readers, "POST /api/v1/discovered/adopt": writers, "POST /api/v1/discovered/ignore": writers,
}

// allowed says whether a caller may pass a route's permission check.
func allowed(level, caller string) bool {
	rank := map[string]int{"viewer": 0, "member": 1, "admin": 2, "owner": 3}
	r, isRole := rank[caller]
	switch level {
	case readers:
		return caller != "agent-token"
	case writers:
		return (isRole && r >= 1) || caller == "write-token"
	case admins:
		return (isRole && r >= 2) || caller == "write-token"
	case owners:
		return caller == "owner"
	case people:
		return isRole
	case adminsOnly:
		return isRole && r >= 2
	}
	return false
}

// TestRoleTable calls every registered route as every kind of caller and
// checks the answer against the role table.
func TestRoleTable(t *testing.T) {
	srv := newTestServer(t, store.SQLite)
	owner, _ := srv.signup(t, "owner@example.com")
	callers := map[string]*client{"owner": owner}
	for _, role := range []string{"admin", "member", "viewer"} {
		var inv struct {
			AcceptURL string `json:"accept_url"`
		}
		owner.must(http.StatusCreated, "POST", "/api/v1/invitations", map[string]string{"email": role + "@example.com", "role": role}, &inv)
		c := srv.client(t)
		token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
		var sess session
		c.must(http.StatusOK, "POST", "/api/v1/invitations/accept", map[string]string{"token": token, "password": "a long enough password"}, &sess)
		c.csrf = sess.CSRFToken
		callers[role] = c
	}
	for _, scope := range []string{"read", "write", "agent"} {
		var tok created
		owner.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": scope, "scope": scope}, &tok)
		callers[scope+"-token"] = srv.bearerClient(t, tok.Token)
	}

	e := httpapi.New(httpapi.Deps{Store: srv.store})
	const fakeID = "01a20000-0000-7000-8000-000000000000"
	for _, r := range e.Routes() {
		if strings.HasSuffix(r.Path, "/*") || strings.HasPrefix(r.Method, "echo_") {
			continue // the not-found catch-alls
		}
		key := r.Method + " " + r.Path
		level, ok := roleTable[key]
		if !ok {
			t.Errorf("%s is not in the role table: add it to README.md's table and to roleTable", key)
			continue
		}
		if level == anyone || level == agentOnly || key == "DELETE /api/v1/members/me" {
			continue
		}
		path := strings.NewReplacer(":id", fakeID, ":user_id", fakeID, ":sha256", strings.Repeat("a", 64)).Replace(r.Path)
		for name, c := range callers {
			res := c.raw(r.Method, path, []byte("{}"), map[string]string{"Content-Type": "application/json"})
			denied := res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized
			if want := allowed(level, name); denied == want {
				t.Errorf("%s as %s: status %d, allowed by the table: %v", key, name, res.Status, want)
			}
		}
	}
	for key := range roleTable {
		found := false
		for _, r := range e.Routes() {
			found = found || r.Method+" "+r.Path == key
		}
		if !found {
			t.Errorf("role table names %s, which is not registered", key)
		}
	}
}
