package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
)

const ownRelayPassword = "relay-pass-never-answered"

type smtpRelayOut struct {
	Configured  bool   `json:"configured"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"`
	Username    string `json:"username"`
	HasPassword bool   `json:"has_password"`
	From        string `json:"from"`
	ServerRelay bool   `json:"server_relay"`
}

func emailUnavailable(t *testing.T, c *client) string {
	t.Helper()
	var types listOut[notify.Description]
	c.must(http.StatusOK, "GET", "/api/v1/channel-types", nil, &types)
	for _, d := range types.Items {
		if d.Type == email.Type {
			return d.Unavailable
		}
	}
	t.Fatal("no email channel type")
	return ""
}

// TestSMTPRelayLifecycle: an owner sets the organization's relay (the harness has none
// of its own), email becomes deliverable for that organization only, the test mail and
// the default email channel's test arrive at the relay; the password is never
// answered, an empty one keeps it, clear_password removes it, and delete brings "not
// deliverable" back.
func TestSMTPRelayLifecycle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		box := startMailbox(t)
		owner, _ := srv.signup(t, "owner@relay.test")
		other, _ := srv.signup(t, "owner@other.test")
		if why := emailUnavailable(t, owner); why != email.NoRelay {
			t.Fatalf("before a relay: unavailable %q", why)
		}
		var got smtpRelayOut
		owner.must(http.StatusOK, "GET", "/api/v1/organization/smtp-relay", nil, &got)
		if got.Configured || got.ServerRelay {
			t.Fatalf("before a relay: %+v", got)
		}

		relay := map[string]any{"host": "127.0.0.1", "port": box.port, "tls": "none",
			"password": ownRelayPassword, "from": "Acme alerts <alerts@relay.test>"}
		r := owner.must(http.StatusOK, "PUT", "/api/v1/organization/smtp-relay", relay, &got)
		if !got.Configured || !got.HasPassword || got.Host != "127.0.0.1" || got.Port != box.port {
			t.Fatalf("saved: %+v", got)
		}
		assertNoPassword(t, "PUT", r.Body)
		assertNoPassword(t, "GET", owner.must(http.StatusOK, "GET", "/api/v1/organization/smtp-relay", nil, nil).Body)
		assertNoPassword(t, "audit log", owner.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, nil).Body)

		if why := emailUnavailable(t, owner); why != "" {
			t.Errorf("with its own relay: unavailable %q", why)
		}
		if why := emailUnavailable(t, other); why != email.NoRelay {
			t.Errorf("another organization: unavailable %q, want NoRelay", why)
		}

		var out struct {
			OK      bool   `json:"ok"`
			To      string `json:"to"`
			Message string `json:"message"`
			Error   string `json:"error"`
		}
		owner.must(http.StatusOK, "POST", "/api/v1/organization/smtp-relay/test", map[string]string{}, &out)
		if !out.OK || out.To != "owner@relay.test" {
			t.Fatalf("test to the caller: %+v", out)
		}
		if m := box.next(t); len(m.to) != 1 || m.to[0] != "owner@relay.test" || !strings.Contains(string(m.data), "alerts@relay.test") {
			t.Errorf("test mail: to %v\n%s", m.to, m.data)
		}
		owner.must(http.StatusOK, "POST", "/api/v1/organization/smtp-relay/test", map[string]string{"to": "ops@relay.test"}, &out)
		if m := box.next(t); !out.OK || m.to[0] != "ops@relay.test" {
			t.Errorf("test to a given address: %+v, to %v", out, m.to)
		}

		// The default owner channel delivers through the organization's relay.
		var channels listOut[struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}]
		owner.must(http.StatusOK, "GET", "/api/v1/channels", nil, &channels)
		owner.must(http.StatusOK, "POST", "/api/v1/channels/"+channels.Items[0].ID+"/test", nil, &out)
		if m := box.next(t); !out.OK || m.to[0] != "owner@relay.test" {
			t.Errorf("channel test: %+v, to %v", out, m.to)
		}

		// An edit without a password keeps it, unless it moves the relay to
		// another host or port; clear_password removes it.
		delete(relay, "password")
		relay["from"] = "Acme <alerts@relay.test>"
		owner.must(http.StatusOK, "PUT", "/api/v1/organization/smtp-relay", relay, &got)
		if !got.HasPassword || got.From != "Acme <alerts@relay.test>" {
			t.Errorf("edit without a password: %+v", got)
		}
		relay["host"] = "localhost"
		if r := owner.do("PUT", "/api/v1/organization/smtp-relay", relay); r.Status != http.StatusBadRequest || r.errorField() != "password" {
			t.Errorf("moved to another host without the password: %d %s", r.Status, r.Body)
		}
		relay["password"] = ownRelayPassword
		owner.must(http.StatusOK, "PUT", "/api/v1/organization/smtp-relay", relay, &got)
		if !got.HasPassword || got.Host != "localhost" {
			t.Errorf("moved with the password: %+v", got)
		}
		delete(relay, "password")
		relay["clear_password"] = true
		owner.must(http.StatusOK, "PUT", "/api/v1/organization/smtp-relay", relay, &got)
		if got.HasPassword {
			t.Errorf("clear_password left a password: %+v", got)
		}

		owner.must(http.StatusNoContent, "DELETE", "/api/v1/organization/smtp-relay", nil, nil)
		owner.must(http.StatusNotFound, "DELETE", "/api/v1/organization/smtp-relay", nil, nil)
		if why := emailUnavailable(t, owner); why != email.NoRelay {
			t.Errorf("after delete: unavailable %q", why)
		}
		if r := owner.do("POST", "/api/v1/organization/smtp-relay/test", map[string]string{}); r.Status != http.StatusConflict {
			t.Errorf("test without a relay: %d %s", r.Status, r.Body)
		}
	})
}

func assertNoPassword(t *testing.T, what string, body []byte) {
	t.Helper()
	if strings.Contains(string(body), ownRelayPassword) || strings.Contains(string(body), "v1:") {
		t.Errorf("%s answers the password: %s", what, body)
	}
}

// TestSMTPRelayOwnersOnly: an admin can neither read, set, test nor delete the relay.
func TestSMTPRelayOwnersOnly(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "owner@roles.test")
		admin, _ := inviteAndAccept(t, srv, owner, "admin@roles.test", "admin")
		relay := map[string]any{"host": "smtp.example.com", "tls": "starttls", "password": ownRelayPassword, "from": "a@roles.test"}
		owner.must(http.StatusOK, "PUT", "/api/v1/organization/smtp-relay", relay, nil)
		for _, call := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/organization/smtp-relay", nil},
			{"PUT", "/api/v1/organization/smtp-relay", relay},
			{"POST", "/api/v1/organization/smtp-relay/test", map[string]string{}},
			{"DELETE", "/api/v1/organization/smtp-relay", nil},
		} {
			r := admin.do(call.method, call.path, call.body)
			if r.Status != http.StatusForbidden {
				t.Errorf("admin %s %s: %d, want 403", call.method, call.path, r.Status)
			}
			assertNoPassword(t, "admin "+call.method, r.Body)
		}
	})
}

// TestSMTPRelayFieldErrors: each bad value is answered on its field, with the rules of
// every relay (email.Config.Validate).
func TestSMTPRelayFieldErrors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "owner@fields.test")
		good := func() map[string]any {
			return map[string]any{"host": "smtp.example.com", "port": 587, "tls": "starttls", "from": "a@fields.test"}
		}
		for field, mutate := range map[string]func(map[string]any){
			"host":     func(m map[string]any) { m["host"] = "" },
			"port":     func(m map[string]any) { m["port"] = 70000 },
			"tls":      func(m map[string]any) { m["tls"] = "ssl" },
			"from":     func(m map[string]any) { m["from"] = "alerts" },
			"username": func(m map[string]any) { m["username"] = "a\r\nRCPT TO:<x@y>" },
			"password": func(m map[string]any) { m["password"], m["clear_password"] = "p", true },
		} {
			body := good()
			mutate(body)
			r := owner.do("PUT", "/api/v1/organization/smtp-relay", body)
			if r.Status != http.StatusBadRequest || r.errorField() != field {
				t.Errorf("bad %s: %d field %q %s", field, r.Status, r.errorField(), r.Body)
			}
		}
		owner.must(http.StatusOK, "GET", "/api/v1/organization/smtp-relay", nil, nil)
		if r := owner.do("POST", "/api/v1/organization/smtp-relay/test", map[string]string{"to": "x"}); r.Status != http.StatusBadRequest || r.errorField() != "to" {
			t.Errorf("bad test address: %d %s", r.Status, r.Body)
		}
	})
}
