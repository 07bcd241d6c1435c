package httpapi_test

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

var resetLink = regexp.MustCompile(`/reset-password/(cnl_pwr_[A-Za-z0-9_-]+)`)

func TestPasswordReset(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			box := startMailbox(t)
			srv := newServerMailing(t, storetest.Open(t, d, store.Options{}), true, box.sender())
			owner, _ := srv.signup(t, "rita@example.com")

			var avail struct{ Available bool }
			srv.client(t).must(http.StatusOK, "GET", "/api/v1/auth/password-reset", nil, &avail)
			if !avail.Available {
				t.Fatal("reset unavailable with a mailer")
			}
			// Unknown and known addresses get the same answer.
			stranger := srv.client(t).must(http.StatusAccepted, "POST", "/api/v1/auth/password-reset", map[string]string{"email": "nobody@example.com"}, nil)
			known := srv.client(t).must(http.StatusAccepted, "POST", "/api/v1/auth/password-reset", map[string]string{"email": "rita@example.com"}, nil)
			if !bytes.Equal(stranger.Body, known.Body) {
				t.Errorf("answers differ: %s / %s", stranger.Body, known.Body)
			}
			msg := box.next(t)
			if !slices.Equal(msg.to, []string{"rita@example.com"}) {
				t.Fatalf("mail to %v", msg.to)
			}
			if n := len(box.got); n != 0 {
				t.Errorf("%d more mails, the unknown address got one", n)
			}
			m := resetLink.FindSubmatch(bytes.ReplaceAll(msg.data, []byte("=\r\n"), nil))
			if m == nil {
				t.Fatalf("no reset link in %s", msg.data)
			}
			token := string(m[1])

			r := srv.client(t).do("POST", "/api/v1/auth/password-reset/confirm", map[string]string{"token": token, "password": "short"})
			if r.Status != http.StatusBadRequest || r.errorField() != "password" {
				t.Fatalf("short password: %d %s", r.Status, r.Body)
			}
			srv.client(t).must(http.StatusNoContent, "POST", "/api/v1/auth/password-reset/confirm", map[string]string{"token": token, "password": "a brand new password"}, nil)
			// Every session ended; the link works once.
			owner.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
			r = srv.client(t).do("POST", "/api/v1/auth/password-reset/confirm", map[string]string{"token": token, "password": "another new password"})
			if r.Status != http.StatusNotFound {
				t.Fatalf("link used twice: %d %s", r.Status, r.Body)
			}
			again := srv.login(t, "rita@example.com", "a brand new password", "x")
			actions := auditActions(t, again)
			for _, want := range []string{"auth.password_reset_request", "auth.password_reset"} {
				if !slices.Contains(actions, want) {
					t.Errorf("no %s in the audit log", want)
				}
			}
		})
	}
}

// TestPasswordResetWithoutSMTP: a server that cannot send mail says so
// instead of pretending a link went out.
func TestPasswordResetWithoutSMTP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		var avail struct{ Available bool }
		srv.client(t).must(http.StatusOK, "GET", "/api/v1/auth/password-reset", nil, &avail)
		if avail.Available {
			t.Error("reset offered without a mailer")
		}
		r := srv.client(t).do("POST", "/api/v1/auth/password-reset", map[string]string{"email": "a@example.com"})
		if r.Status != http.StatusServiceUnavailable || errorCode(t, r) != "email_unavailable" {
			t.Errorf("request: %d %s", r.Status, r.Body)
		}
	})
}
