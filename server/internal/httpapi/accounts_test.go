package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// invite creates an invitation and returns the token of its link.
func invite(t *testing.T, owner *client, email, role string) string {
	t.Helper()
	var inv struct {
		AcceptURL string `json:"accept_url"`
	}
	owner.must(http.StatusCreated, "POST", "/api/v1/invitations", map[string]string{"email": email, "role": role}, &inv)
	return inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
}

func errorCode(t *testing.T, r response) string {
	t.Helper()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return e.Error.Code
}

// TestInvitationBoundToEmail: only the invited address joins; someone
// else signed in with the link is refused and the link stays usable.
func TestInvitationBoundToEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "boss@example.com")
		token := invite(t, owner, "invited@example.com", "admin")

		stranger, _ := srv.signup(t, "stranger@example.com")
		r := stranger.do("POST", "/api/v1/invitations/accept", map[string]string{"token": token})
		if r.Status != http.StatusForbidden || errorCode(t, r) != "wrong_invitee" {
			t.Fatalf("accepted by another signed-in account: %d %s, want 403 wrong_invitee", r.Status, r.Body)
		}
		var members listOut[struct{ Email string }]
		owner.must(http.StatusOK, "GET", "/api/v1/members", nil, &members)
		if members.Total != 1 {
			t.Fatalf("members after a refused acceptance: %+v", members.Items)
		}

		// The invited person, already signed up elsewhere, joins as themselves.
		invited, _ := srv.signup(t, "invited@example.com")
		var sess session
		invited.must(http.StatusOK, "POST", "/api/v1/invitations/accept", map[string]string{"token": token}, &sess)
		if sess.User.Email != "invited@example.com" {
			t.Fatalf("joined as %+v", sess.User)
		}
	})
}

// TestCookieWritesNeedCSRF: logging out and accepting an invitation with a
// session cookie need the CSRF token, like every other cookie write.
func TestCookieWritesNeedCSRF(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "boss@example.com")
		token := invite(t, owner, "invited@example.com", "viewer")
		invited, sess := srv.signup(t, "invited@example.com")

		invited.csrf = ""
		r := invited.do("POST", "/api/v1/invitations/accept", map[string]string{"token": token})
		if r.Status != http.StatusForbidden || errorCode(t, r) != "csrf_failed" {
			t.Errorf("accept without CSRF: %d %s, want 403 csrf_failed", r.Status, r.Body)
		}
		r = invited.do("POST", "/api/v1/auth/logout", nil)
		if r.Status != http.StatusForbidden || errorCode(t, r) != "csrf_failed" {
			t.Errorf("logout without CSRF: %d %s, want 403 csrf_failed", r.Status, r.Body)
		}
		invited.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		invited.csrf = sess.CSRFToken
		var joined session
		invited.must(http.StatusOK, "POST", "/api/v1/invitations/accept", map[string]string{"token": token}, &joined)
		invited.csrf = joined.CSRFToken
		invited.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil, nil)
		invited.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
		// With no live session there is nothing to protect: logout only
		// clears the cookie.
		srv.client(t).must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil, nil)
	})
}
