package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// memberID finds a member's user ID by email.
func memberID(t *testing.T, owner *client, email string) string {
	t.Helper()
	var members listOut[struct {
		UserID string `json:"user_id"`
		Email  string `json:"email"`
	}]
	owner.must(http.StatusOK, "GET", "/api/v1/members", nil, &members)
	for _, m := range members.Items {
		if m.Email == email {
			return m.UserID
		}
	}
	t.Fatalf("no member %s in %+v", email, members.Items)
	return ""
}

// TestTokenCappedByCreatorRole: a token's scope is capped by its creator's
// role now, so a demotion takes effect at the next request.
func TestTokenCappedByCreatorRole(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "boss@example.com")
		admin, _ := inviteAndAccept(t, srv, owner, "admin@example.com", "admin")
		adminID := memberID(t, owner, "admin@example.com")
		var write, agentKey, ag created
		admin.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &write)
		admin.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "agent", "scope": "agent"}, &agentKey)
		admin.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc1"}, &ag)
		script := srv.bearerClient(t, write.Token)
		agent := srv.agentClient(t, tenant{apiToken: agentKey.Token, agentToken: ag.Token})

		script.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "as admin"}, nil)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		owner.must(http.StatusOK, "PATCH", "/api/v1/members/"+adminID, map[string]string{"role": "member"}, nil)
		if r := script.do("POST", "/api/v1/agents", map[string]string{"name": "as member"}); r.Status != http.StatusForbidden {
			t.Errorf("write token of a demoted admin creating an agent: %d %s, want 403", r.Status, r.Body)
		}
		script.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]string{"host": "member.example"}, nil)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		owner.must(http.StatusOK, "PATCH", "/api/v1/members/"+adminID, map[string]string{"role": "viewer"}, nil)
		if r := script.do("POST", "/api/v1/domains", map[string]string{"host": "viewer.example"}); r.Status != http.StatusForbidden {
			t.Errorf("write token of a viewer creating a domain: %d %s, want 403", r.Status, r.Body)
		}
		script.must(http.StatusOK, "GET", "/api/v1/domains", nil, nil)
		if r := agent.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("agent token of a viewer: %d %s, want 401", r.Status, r.Body)
		}

		// A cap, not a revocation: promoted back, the token works again.
		owner.must(http.StatusOK, "PATCH", "/api/v1/members/"+adminID, map[string]string{"role": "admin"}, nil)
		script.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "admin again"}, nil)
	})
}

// TestRemovedMemberTokensRevoked: removing a member (or leaving) revokes
// the tokens they created, each with an audit entry.
func TestRemovedMemberTokensRevoked(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "boss@example.com")
		admin, _ := inviteAndAccept(t, srv, owner, "admin@example.com", "admin")
		leaver, _ := inviteAndAccept(t, srv, owner, "leaver@example.com", "admin")
		var write, read, kept, left created
		admin.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &write)
		admin.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "grafana", "scope": "read"}, &read)
		owner.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "owner's", "scope": "read"}, &kept)
		leaver.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "leaver's", "scope": "read"}, &left)

		owner.must(http.StatusNoContent, "DELETE", "/api/v1/members/"+memberID(t, owner, "admin@example.com"), nil, nil)
		leaver.must(http.StatusNoContent, "DELETE", "/api/v1/members/me", nil, nil)
		for name, tok := range map[string]string{"write": write.Token, "read": read.Token, "leaver's": left.Token} {
			if r := srv.bearerClient(t, tok).do("GET", "/api/v1/domains", nil); r.Status != http.StatusUnauthorized {
				t.Errorf("%s token of a former member: %d, want 401", name, r.Status)
			}
		}
		srv.bearerClient(t, kept.Token).must(http.StatusOK, "GET", "/api/v1/domains", nil, nil)

		var tokens listOut[struct {
			ID        string  `json:"id"`
			RevokedAt *string `json:"revoked_at"`
		}]
		owner.must(http.StatusOK, "GET", "/api/v1/tokens", nil, &tokens)
		for _, tok := range tokens.Items {
			if revoked := tok.RevokedAt != nil; revoked == (tok.ID == kept.ID) {
				t.Errorf("token %s: revoked %v", tok.ID, revoked)
			}
		}

		var log listOut[struct {
			Action     string          `json:"action"`
			ActorLabel string          `json:"actor_label"`
			TargetID   string          `json:"target_id"`
			Details    json.RawMessage `json:"details"`
		}]
		owner.must(http.StatusOK, "GET", "/api/v1/audit-log?per_page=200", nil, &log)
		want := map[string]string{write.ID: "boss@example.com", read.ID: "boss@example.com", left.ID: "leaver@example.com"}
		for _, e := range log.Items {
			if e.Action != "token.revoke" {
				continue
			}
			actor, ok := want[e.TargetID]
			if !ok || e.ActorLabel != actor {
				t.Errorf("unexpected revocation entry %+v", e)
			}
			delete(want, e.TargetID)
		}
		if len(want) > 0 {
			t.Errorf("revocations without an audit entry: %v", want)
		}
	})
}
