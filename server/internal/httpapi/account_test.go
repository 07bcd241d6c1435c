package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/auth"
)

const password = "correct horse battery"

// login signs email in from a new browser with userAgent and returns it.
func (s *testServer) login(t testing.TB, email, pw, userAgent string) *client {
	t.Helper()
	c := s.client(t)
	c.headers["User-Agent"] = userAgent
	var sess session
	c.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}, &sess)
	c.csrf = sess.CSRFToken
	return c
}

// auditActions lists the organization's audit actions, newest first.
func auditActions(t *testing.T, owner *client) []string {
	t.Helper()
	var log listOut[auditOut]
	owner.must(http.StatusOK, "GET", "/api/v1/audit-log?per_page=100", nil, &log)
	var out []string
	for _, e := range log.Items {
		out = append(out, e.Action)
	}
	return out
}

func TestChangePassword(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		here, _ := srv.signup(t, "pat@example.com")
		elsewhere := srv.login(t, "pat@example.com", password, "phone")

		r := here.do("POST", "/api/v1/account/password", map[string]string{"current_password": "wrong password!", "new_password": "a new long password"})
		if r.Status != http.StatusBadRequest || errorCode(t, r) != "wrong_password" || r.errorField() != "current_password" {
			t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
		}
		r = here.do("POST", "/api/v1/account/password", map[string]string{"current_password": password, "new_password": "short"})
		if r.Status != http.StatusBadRequest || r.errorField() != "new_password" {
			t.Fatalf("short new password: %d %s", r.Status, r.Body)
		}
		elsewhere.must(http.StatusOK, "GET", "/api/v1/me", nil, nil) // nothing changed so far

		here.must(http.StatusNoContent, "POST", "/api/v1/account/password", map[string]string{"current_password": password, "new_password": "a new long password"}, nil)
		here.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
		elsewhere.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
		srv.client(t).must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": "pat@example.com", "password": password}, nil)
		srv.login(t, "pat@example.com", "a new long password", "laptop")
		if !slices.Contains(auditActions(t, here), "auth.password_change") {
			t.Error("no auth.password_change in the audit log")
		}
	})
}

type sessionOut struct {
	ID         string     `json:"id"`
	UserAgent  string     `json:"user_agent"`
	IP         string     `json:"ip"`
	Current    bool       `json:"current"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func TestSessions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		srv.signup(t, "sam@example.com")
		laptop := srv.login(t, "sam@example.com", password, "laptop browser")
		phone := srv.login(t, "sam@example.com", password, "phone browser")
		tablet := srv.login(t, "sam@example.com", password, "tablet browser")
		other, _ := srv.signup(t, "eve@example.com")

		var list listOut[sessionOut]
		laptop.must(http.StatusOK, "GET", "/api/v1/account/sessions", nil, &list)
		if list.Total != 4 {
			t.Fatalf("sessions: %+v", list.Items)
		}
		var phoneID string
		for _, s := range list.Items {
			if s.Current != (s.UserAgent == "laptop browser") || s.IP != "127.0.0.1" || s.LastUsedAt == nil {
				t.Errorf("session %+v", s)
			}
			if s.UserAgent == "phone browser" {
				phoneID = s.ID
			}
		}

		// Another user (of another organization) cannot end it: 404.
		r := other.do("DELETE", "/api/v1/account/sessions/"+phoneID, nil)
		if r.Status != http.StatusNotFound {
			t.Fatalf("another user ending a session: %d %s", r.Status, r.Body)
		}
		phone.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		laptop.must(http.StatusNoContent, "DELETE", "/api/v1/account/sessions/"+phoneID, nil, nil)
		phone.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
		tablet.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		var ended struct{ Ended int64 }
		laptop.must(http.StatusOK, "DELETE", "/api/v1/account/sessions", nil, &ended)
		if ended.Ended != 2 { // the tablet and the sign-up's
			t.Errorf("ended %d sessions, want 2", ended.Ended)
		}
		tablet.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
		laptop.must(http.StatusOK, "GET", "/api/v1/account/sessions", nil, &list)
		if list.Total != 1 || !list.Items[0].Current {
			t.Errorf("left: %+v", list.Items)
		}
		other.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

		// A script's token has no account.
		var tok created
		laptop.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &tok)
		srv.bearerClient(t, tok.Token).must(http.StatusForbidden, "GET", "/api/v1/account/sessions", nil, nil)

		actions := auditActions(t, laptop)
		for _, want := range []string{"auth.session_end", "auth.sessions_end_others"} {
			if !slices.Contains(actions, want) {
				t.Errorf("no %s in the audit log", want)
			}
		}
	})
}

type challengeOut struct {
	TwoFactorRequired bool   `json:"two_factor_required"`
	Challenge         string `json:"challenge"`
}

func code(t *testing.T, secret string, step int64) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, step)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrollTOTP turns two-factor on for the browser's user and returns the
// secret, the step of the code spent, and the recovery codes.
func enrollTOTP(t *testing.T, b *client) (string, int64, []string) {
	t.Helper()
	var setup struct {
		Secret     string `json:"secret"`
		OTPAuthURI string `json:"otpauth_uri"`
		QRCode     string `json:"qr_code"`
	}
	b.must(http.StatusOK, "POST", "/api/v1/account/two-factor/setup", map[string]string{"password": password}, &setup)
	if setup.Secret == "" || len(setup.QRCode) < 100 {
		t.Fatalf("setup: %+v", setup)
	}
	step := auth.TOTPStep(time.Now())
	var enabled struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	b.must(http.StatusOK, "POST", "/api/v1/account/two-factor/enable", map[string]string{"code": code(t, setup.Secret, step)}, &enabled)
	return setup.Secret, step, enabled.RecoveryCodes
}

// startLogin sends the password and returns the browser and its challenge.
func startLogin(t *testing.T, srv *testServer, email string) (*client, string) {
	t.Helper()
	c := srv.client(t)
	var ch challengeOut
	r := c.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &ch)
	if !ch.TwoFactorRequired || ch.Challenge == "" || r.Header.Get("Set-Cookie") != "" {
		t.Fatalf("login with two-factor: %s, cookie %q", r.Body, r.Header.Get("Set-Cookie"))
	}
	c.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	return c, ch.Challenge
}

func TestTwoFactor(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		b, _ := srv.signup(t, "tess@example.com")
		r := b.do("POST", "/api/v1/account/two-factor/setup", map[string]string{"password": "not my password"})
		if r.Status != http.StatusBadRequest || errorCode(t, r) != "wrong_password" {
			t.Fatalf("setup with a wrong password: %d %s", r.Status, r.Body)
		}
		var setup struct{ Secret string }
		b.must(http.StatusOK, "POST", "/api/v1/account/two-factor/setup", map[string]string{"password": password}, &setup)
		wrong := code(t, setup.Secret, auth.TOTPStep(time.Now())+10)
		if r := b.do("POST", "/api/v1/account/two-factor/enable", map[string]string{"code": wrong}); r.Status != http.StatusBadRequest || errorCode(t, r) != "invalid_code" {
			t.Fatalf("enable with a wrong code: %d %s", r.Status, r.Body)
		}
		// Not on until confirmed: the password alone still signs in.
		srv.login(t, "tess@example.com", password, "x")

		secret, step, recovery := enrollTOTP(t, b)
		if len(recovery) != 10 {
			t.Fatalf("recovery codes: %v", recovery)
		}
		var state struct {
			Enabled           bool  `json:"enabled"`
			RecoveryCodesLeft int64 `json:"recovery_codes_left"`
		}
		b.must(http.StatusOK, "GET", "/api/v1/account/two-factor", nil, &state)
		if !state.Enabled || state.RecoveryCodesLeft != 10 {
			t.Errorf("state %+v", state)
		}

		// The code that enabled it cannot be replayed to log in.
		c, challenge := startLogin(t, srv, "tess@example.com")
		r = c.do("POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": challenge, "code": code(t, secret, step)})
		if r.Status != http.StatusUnauthorized || errorCode(t, r) != "invalid_code" {
			t.Fatalf("replayed code: %d %s", r.Status, r.Body)
		}
		var sess session
		c.must(http.StatusOK, "POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": challenge, "code": code(t, secret, step+1)}, &sess)
		c.csrf = sess.CSRFToken
		c.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
		// The challenge is spent with the login.
		if r := srv.client(t).do("POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": challenge, "code": code(t, secret, step+1)}); r.Status != http.StatusUnauthorized {
			t.Fatalf("challenge used twice: %d %s", r.Status, r.Body)
		}

		// A recovery code works once, in any case and spacing.
		c2, ch2 := startLogin(t, srv, "tess@example.com")
		c2.must(http.StatusOK, "POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": ch2, "code": " " + recovery[0] + " "}, nil)
		c3, ch3 := startLogin(t, srv, "tess@example.com")
		if r := c3.do("POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": ch3, "code": recovery[0]}); r.Status != http.StatusUnauthorized {
			t.Fatalf("recovery code used twice: %d %s", r.Status, r.Body)
		}

		// Off with the password and a code.
		if r := b.do("POST", "/api/v1/account/two-factor/disable", map[string]string{"password": password, "code": "123"}); r.Status != http.StatusBadRequest {
			t.Fatalf("disable with a bad code: %d %s", r.Status, r.Body)
		}
		b.must(http.StatusNoContent, "POST", "/api/v1/account/two-factor/disable", map[string]string{"password": password, "code": recovery[1]}, nil)
		srv.login(t, "tess@example.com", password, "x")

		actions := auditActions(t, b)
		for _, want := range []string{"auth.two_factor_enable", "auth.two_factor_disable", "auth.two_factor_failed", "auth.recovery_code_used"} {
			if !slices.Contains(actions, want) {
				t.Errorf("no %s in the audit log", want)
			}
		}
	})
}

// TestTwoFactorChallengeLimit: a challenge allows a few guesses only, then
// the password is needed again.
func TestTwoFactorChallengeLimit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		b, _ := srv.signup(t, "guess@example.com")
		secret, step, _ := enrollTOTP(t, b)
		c, challenge := startLogin(t, srv, "guess@example.com")
		for i := range 5 {
			r := c.do("POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": challenge, "code": "000000"})
			if r.Status != http.StatusUnauthorized || errorCode(t, r) != "invalid_code" {
				t.Fatalf("wrong code %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := c.do("POST", "/api/v1/auth/login/two-factor", map[string]string{"challenge": challenge, "code": code(t, secret, step+1)})
		if r.Status != http.StatusUnauthorized || errorCode(t, r) != "challenge_expired" {
			t.Fatalf("right code after five wrong ones: %d %s", r.Status, r.Body)
		}
	})
}

// TestTwoFactorSecretSealed: the secret is not stored in clear.
func TestTwoFactorSecretSealed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		b, sess := srv.signup(t, "seal@example.com")
		secret, _, _ := enrollTOTP(t, b)
		u, err := srv.store.UserByID(t.Context(), sess.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.TOTPSecret == "" || u.TOTPSecret == secret || len(u.TOTPSecret) < len(secret) {
			t.Fatalf("stored secret %q", u.TOTPSecret)
		}
		if opened, err := srv.store.TOTPSecret(u); err != nil || opened != secret {
			t.Fatalf("opened %q, %v", opened, err)
		}
	})
}

func TestInvitationPreview(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "olga@example.com")
		token := invite(t, owner, "new@example.com", "viewer")
		var p struct {
			Email, Role, Organization string
			InvitedBy                 string    `json:"invited_by"`
			ExpiresAt                 time.Time `json:"expires_at"`
		}
		srv.client(t).must(http.StatusOK, "POST", "/api/v1/invitations/preview", map[string]string{"token": token}, &p)
		if p.Email != "new@example.com" || p.Role != "viewer" || p.Organization != "olga@example.com inc" || p.InvitedBy != "olga@example.com" || p.ExpiresAt.IsZero() {
			t.Errorf("preview %+v", p)
		}
		r := srv.client(t).do("POST", "/api/v1/invitations/preview", map[string]string{"token": token + "x"})
		if r.Status != http.StatusNotFound {
			t.Errorf("unknown token: %d %s", r.Status, r.Body)
		}
	})
}
