package notify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/notifytest"
)

func intp(n int) *int { return &n }

func TestSubject(t *testing.T) {
	base := notifytest.Expiring()
	with := func(f func(e *notify.Event)) notify.Message {
		e := base
		f(&e)
		return notify.Message{Events: []notify.Event{e}}
	}
	tests := []struct {
		name string
		msg  notify.Message
		want string
	}{
		{"expiring", with(func(*notify.Event) {}), "[Certinel] www.example.com:443 expires in 7 days"},
		{"expiring one day", with(func(e *notify.Event) { e.DaysLeft = intp(1) }), "[Certinel] www.example.com:443 expires in 1 day"},
		{"expiring today", with(func(e *notify.Event) { e.DaysLeft = intp(0) }), "[Certinel] www.example.com:443 expires today"},
		{"expiring threshold only", with(func(e *notify.Event) { e.DaysLeft = nil; e.Threshold = intp(14) }), "[Certinel] www.example.com:443 expires in 14 days"},
		{"expired", with(func(e *notify.Event) { e.Type = notify.TypeExpired; e.DaysLeft = intp(-3) }), "[Certinel] www.example.com:443 certificate expired 3 days ago"},
		{"expired today", with(func(e *notify.Event) { e.Type = notify.TypeExpired; e.DaysLeft = intp(0) }), "[Certinel] www.example.com:443 certificate has expired"},
		{"ipv6", with(func(e *notify.Event) {
			e.Type = notify.TypeUnreachable
			e.Domain = &notify.DomainRef{Host: "2001:db8::1", Port: 8443}
		}), "[Certinel] [2001:db8::1]:8443 is unreachable"},
		{"changed", with(func(e *notify.Event) { e.Type = notify.TypeChanged }), "[Certinel] www.example.com:443 certificate changed"},
		{"invalid chain", with(func(e *notify.Event) { e.Type = notify.TypeInvalidChain }), "[Certinel] www.example.com:443 certificate is not trusted"},
		{"revoked", with(func(e *notify.Event) { e.Type, e.Problem = notify.TypeInvalidChain, "revoked" }),
			"[Certinel] www.example.com:443 certificate was revoked by its CA"},
		{"renewal window moved earlier", with(func(e *notify.Event) { e.Type = notify.TypeRenewalWindowMovedEarlier }),
			"[Certinel] www.example.com:443 certificate: the CA asks for renewal now"},
		{"agent offline", with(func(e *notify.Event) { e.Type = notify.TypeAgentOffline; e.Domain = nil }), "[Certinel] Agent office-lan is offline"},
		{"agent back", with(func(e *notify.Event) {
			e.Type, e.Resolves, e.Domain = notify.TypeResolved, notify.TypeAgentOffline, nil
		}), "[Certinel] Agent office-lan is back online"},
		{"resolved", with(func(e *notify.Event) { e.Type, e.Resolves = notify.TypeResolved, notify.TypeExpiring }), "[Certinel] Resolved: www.example.com:443 (expiring)"},
		{"crl stale", with(func(e *notify.Event) {
			e.Type, e.Problem, e.Domain, e.Agent = notify.TypeCRLHealth, "stale", nil, nil
			e.RevocationSource = &notify.RevocationSourceRef{Kind: "crl", URL: "http://pki.example.com/ca.crl"}
		}), "[Certinel] CRL http://pki.example.com/ca.crl expired: its next update has passed"},
		{"crl healthy again", with(func(e *notify.Event) {
			e.Type, e.Resolves, e.Domain, e.Agent = notify.TypeResolved, notify.TypeCRLHealth, nil, nil
			e.RevocationSource = &notify.RevocationSourceRef{Kind: "crl", URL: "http://pki.example.com/ca.crl"}
		}), "[Certinel] Resolved: CRL http://pki.example.com/ca.crl (CRL health)"},
		{"test", with(func(e *notify.Event) { e.Type, e.Domain, e.Agent = notify.TypeTest, nil, nil }), "[Certinel] Test notification for Example Inc"},
		{"newline in name", with(func(e *notify.Event) {
			e.Type, e.Domain = notify.TypeAgentOffline, nil
			e.Agent = &notify.AgentRef{Name: "evil\r\nBcc: x@y.z"}
		}), "[Certinel] Agent evil  Bcc: x@y.z is offline"},
		{"digest", notifytest.Digest(12), "[Certinel] 12 alerts for Example Inc"},
		{"agent outage", with(func(e *notify.Event) { e.Type, e.Domain, e.Count = notify.TypeUnreachable, nil, 1950 }),
			"[Certinel] Agent office-lan: 1,950 endpoints unreachable"},
		{"outage over", with(func(e *notify.Event) { e.Type, e.Resolves, e.Domain = notify.TypeResolved, notify.TypeUnreachable, nil }),
			"[Certinel] Resolved: Agent office-lan endpoints reachable again"},
		{"reminder", with(func(e *notify.Event) { e.Reminder = true }), "[Certinel] Reminder: www.example.com:443 expires in 7 days"},
		{"problems of one domain", notify.Message{Events: []notify.Event{base, func() notify.Event {
			e := base
			e.Type = notify.TypeRenewalOverdue
			return e
		}()}}, "[Certinel] www.example.com:443: expiring, renewal overdue"},
		{"empty", notify.Message{}, "[Certinel] No alerts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify.Subject(tt.msg); got != tt.want {
				t.Errorf("Subject = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFieldsOfASuggestedWindow(t *testing.T) {
	e := notifytest.Expiring()
	e.Type = notify.TypeRenewalWindowMovedEarlier
	e.SuggestedWindow = &notify.Window{Start: e.OccurredAt.Add(-time.Hour), End: e.OccurredAt}
	e.ExplanationURL = "https://ca.example/incident"
	got := map[string]string{}
	for _, f := range notify.Fields(e) {
		got[f.Label] = f.Value
	}
	if want := "2025-03-01 08:30:00 UTC and 2025-03-01 09:30:00 UTC"; got["Renew between"] != want {
		t.Errorf("Renew between = %q, want %q", got["Renew between"], want)
	}
	if got["CA explanation"] != e.ExplanationURL {
		t.Errorf("CA explanation = %q", got["CA explanation"])
	}
}

func TestText(t *testing.T) {
	single := notify.Message{Events: []notify.Event{notifytest.Expiring()}}
	text := notify.Text(single)
	for _, want := range []string{"www.example.com:443", "Days left:", " 7\n", notifytest.Fingerprint,
		"2025-03-08 23:59:59 UTC", "https://certinel.example/domains/dom_7", "Let's Encrypt"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	notifytest.Golden(t, "text_single.golden", []byte(text))
	notifytest.Golden(t, "text_digest.golden", []byte(notify.Text(notifytest.Digest(3))))
}

func TestPermanent(t *testing.T) {
	base := errors.New("550 no such user")
	err := fmt.Errorf("email: send: %w", notify.Permanent(base))
	if !notify.IsPermanent(err) {
		t.Error("wrapped permanent error not recognised")
	}
	if !errors.Is(err, base) {
		t.Error("permanent error hides its cause")
	}
	if err.Error() != "email: send: 550 no such user" {
		t.Errorf("message changed: %q", err)
	}
	if notify.IsPermanent(base) || notify.Permanent(nil) != nil {
		t.Error("plain errors and nil must stay as they are")
	}
}
