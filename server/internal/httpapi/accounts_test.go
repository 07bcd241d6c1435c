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

// shape is a JSON answer with every string value blanked, for comparing
// two answers' form but not their content.
func shape(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	var blank func(any) any
	blank = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = blank(e)
			}
			return x
		case string:
			return ""
		}
		return v
	}
	out, _ := json.Marshal(blank(v))
	return string(out)
}

// cookieShape is the session cookie's attributes without its value.
func cookieShape(r response) string {
	ck := r.Header.Get("Set-Cookie")
	if _, attrs, ok := strings.Cut(ck, ";"); ok {
		name, _, _ := strings.Cut(ck, "=")
		return name + ";" + attrs[strings.Index(attrs, "Max-Age"):]
	}
	return ck
}

// TestSignupDoesNotRevealAccounts: a sign-up with a taken email and another
// password answers like a fresh one, signs no one in and changes nothing
// of the account; with the account's own password it signs its owner in.
func TestSignupDoesNotRevealAccounts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, os := srv.signup(t, "boss@example.com")
		signup := func(email, password, org string) (*client, response) {
			c := srv.client(t)
			return c, c.do("POST", "/api/v1/auth/signup", map[string]string{"email": email, "password": password, "organization": org})
		}
		_, fresh := signup("fresh@example.com", "a stranger's password", "Fresh Ltd")
		stranger, taken := signup("boss@example.com", "a stranger's password", "Evil Ltd")
		if taken.Status != fresh.Status || shape(t, taken.Body) != shape(t, fresh.Body) || cookieShape(taken) != cookieShape(fresh) {
			t.Fatalf("taken email answers %d %s %q\nfresh email answers %d %s %q",
				taken.Status, taken.Body, cookieShape(taken), fresh.Status, fresh.Body, cookieShape(fresh))
		}
		var decoy session
		taken.json(t, &decoy)
		if decoy.User.Email != "boss@example.com" || decoy.Organization.Name != "Evil Ltd" || decoy.User.ID == os.User.ID {
			t.Errorf("decoy answer %s", taken.Body)
		}
		stranger.csrf = decoy.CSRFToken
		if r := stranger.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("decoy session opens something: %d %s", r.Status, r.Body)
		}

		// The account is untouched, and its owner sees the attempt.
		var members listOut[struct{ Email string }]
		owner.must(http.StatusOK, "GET", "/api/v1/members", nil, &members)
		if members.Total != 1 {
			t.Errorf("members: %+v", members.Items)
		}
		var log listOut[auditOut]
		owner.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &log)
		if log.Items[0].Action != "account.signup_taken" {
			t.Errorf("latest audit entry %+v, want account.signup_taken", log.Items[0])
		}

		// With the account's own password, the owner is simply signed in.
		_, again := signup("boss@example.com", "correct horse battery", "Second Ltd")
		var sess session
		again.json(t, &sess)
		if again.Status != http.StatusOK || sess.User.ID != os.User.ID || sess.Organization.ID != os.Organization.ID {
			t.Errorf("owner signing up again: %d %s", again.Status, again.Body)
		}
	})
}
