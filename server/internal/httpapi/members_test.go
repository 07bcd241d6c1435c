package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

type auditOut struct {
	Action     string `json:"action"`
	ActorType  string `json:"actor_type"`
	ActorLabel string `json:"actor_label"`
	IP         string `json:"ip"`
}

func inviteAndAccept(t *testing.T, srv *testServer, owner *client, email, role string) (*client, string) {
	var inv struct {
		ID        string `json:"id"`
		AcceptURL string `json:"accept_url"`
	}
	owner.must(http.StatusCreated, "POST", "/api/v1/invitations", map[string]string{"email": email, "role": role}, &inv)
	token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	c := srv.client(t)
	var sess session
	c.must(http.StatusOK, "POST", "/api/v1/invitations/accept", map[string]string{"token": token, "password": "another long password"}, &sess)
	c.csrf = sess.CSRFToken
	return c, token
}

func TestMembersAndAudit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, os := srv.signup(t, "boss@example.com")
		admin, token := inviteAndAccept(t, srv, owner, "Admin@Example.com", "admin")
		// An invitation link works once.
		if r := srv.client(t).do("POST", "/api/v1/invitations/accept", map[string]string{"token": token, "password": "yet another password"}); r.Status != http.StatusNotFound {
			t.Errorf("second use of an invitation: %d", r.Status)
		}
		viewer, _ := inviteAndAccept(t, srv, owner, "viewer@example.com", "viewer")
		var members listOut[struct {
			UserID string `json:"user_id"`
			Email  string `json:"email"`
			Role   string `json:"role"`
		}]
		owner.must(http.StatusOK, "GET", "/api/v1/members", nil, &members)
		if members.Total != 3 {
			t.Fatalf("members: %+v", members)
		}
		var viewerID, adminID string
		for _, m := range members.Items {
			switch m.Email {
			case "viewer@example.com":
				viewerID = m.UserID
			case "admin@example.com":
				adminID = m.UserID
			}
		}
		// Viewers change nothing; admins cannot manage members.
		if r := viewer.do("POST", "/api/v1/domains", map[string]string{"host": "v.example"}); r.Status != http.StatusForbidden {
			t.Errorf("viewer writing: %d", r.Status)
		}
		if r := admin.do("PATCH", "/api/v1/members/"+viewerID, map[string]string{"role": "owner"}); r.Status != http.StatusForbidden {
			t.Errorf("admin promoting: %d", r.Status)
		}
		admin.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "edge"}, nil)
		// The last owner can neither leave nor be demoted; after a second
		// owner exists, they can.
		if r := owner.do("DELETE", "/api/v1/members/me", nil); r.Status != http.StatusConflict {
			t.Errorf("last owner leaving: %d %s", r.Status, r.Body)
		}
		if r := owner.do("PATCH", "/api/v1/members/"+os.User.ID, map[string]string{"role": "admin"}); r.Status != http.StatusConflict {
			t.Errorf("demoting the last owner: %d", r.Status)
		}
		owner.must(http.StatusOK, "PATCH", "/api/v1/members/"+adminID, map[string]string{"role": "owner"}, nil)
		owner.must(http.StatusNoContent, "DELETE", "/api/v1/members/"+viewerID, nil, nil)
		if r := viewer.do("GET", "/api/v1/domains", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("removed member still in: %d", r.Status)
		}
		// A failed login is recorded with its IP.
		if r := srv.client(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "boss@example.com", "password": "wrong password!"}); r.Status != http.StatusUnauthorized {
			t.Fatalf("bad login: %d", r.Status)
		}
		var tok created
		owner.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &tok)
		owner.must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+tok.ID, nil, nil)
		var log listOut[auditOut]
		owner.must(http.StatusOK, "GET", "/api/v1/audit-log?per_page=200", nil, &log)
		seen := map[string]auditOut{}
		for _, e := range log.Items {
			if _, ok := seen[e.Action]; !ok {
				seen[e.Action] = e
			}
		}
		for _, action := range []string{"account.signup", "auth.login", "auth.login_failed", "invitation.create", "invitation.accept",
			"agent.create", "member.role", "member.remove", "token.create", "token.revoke"} {
			e, ok := seen[action]
			if !ok {
				t.Errorf("audit log lacks %s: %+v", action, log.Items)
				continue
			}
			if e.IP != "127.0.0.1" {
				t.Errorf("%s without the client IP: %+v", action, e)
			}
		}
		if seen["agent.create"].ActorLabel != "admin@example.com" || seen["auth.login_failed"].ActorLabel != "boss@example.com" {
			t.Errorf("actors: %+v %+v", seen["agent.create"], seen["auth.login_failed"])
		}
		// Members (not admins) cannot read the audit log; other orgs never.
		member, _ := inviteAndAccept(t, srv, owner, "m@example.com", "member")
		if r := member.do("GET", "/api/v1/audit-log", nil); r.Status != http.StatusForbidden {
			t.Errorf("member reading the audit log: %d", r.Status)
		}
		other, _ := srv.signup(t, "other@example.com")
		var otherLog listOut[auditOut]
		other.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &otherLog)
		for _, e := range otherLog.Items {
			if strings.Contains(e.ActorLabel, "boss") {
				t.Errorf("other organization sees %+v", e)
			}
		}
	})
}
