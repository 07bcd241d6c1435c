package alerts_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// issueAgentCert records a certificate of the fixture's agent issued now,
// lasting life.
func (f *fixture) issueAgentCert(serial string, life time.Duration, action string) {
	f.t.Helper()
	err := f.st.RecordAgentCertificate(f.ctx, f.org.ID, store.AgentCertificate{Serial: serial, AgentID: f.agent.ID,
		NotBefore: f.clk.t, NotAfter: f.clk.t.Add(life)}, action)
	if err != nil {
		f.t.Fatal(err)
	}
}

// openAgentCertAlerts are the open agent_certificate alerts by dedup key.
func (f *fixture) openAgentCertAlerts() map[string]store.Alert {
	out := map[string]store.Alert{}
	for _, a := range f.alerts() {
		if a.Type == notify.TypeAgentCertificate && a.State == store.AlertOpen {
			out[a.DedupKey] = a
		}
	}
	return out
}

// TestAgentCertificateNotRenewedAlerts: Certinel watches the certificates
// of its own agents. One not renewed by 80% of its lifetime raises an
// alert naming the agent and the expiry, sent to the rule's channels; its
// expiry raises another (the agent must enroll again); both resolve when
// the agent holds a new certificate. A renewal in time raises nothing.
func TestAgentCertificateNotRenewedAlerts(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.watchAgentCerts()
			const life = 10 * 24 * time.Hour
			f.touch()
			f.issueAgentCert("aa01", life, store.CertEnrolled)
			start := f.clk.t
			f.clk.t = start.Add(life * 7 / 10)
			f.touch()
			want(t, "at 70% of its lifetime", f.evaluate(), nil)

			// Renewed at 70%: the next certificate starts a lifetime of its own.
			f.issueAgentCert("aa02", life, store.CertRenewed)
			renewed := f.clk.t
			f.clk.t = start.Add(life*8/10 + time.Minute)
			want(t, "past 80% of the first certificate, renewed in time", f.evaluate(), nil)

			// Not renewed again: past 80% of the second one.
			f.clk.t = renewed.Add(life*8/10 + time.Minute)
			f.touch()
			want(t, "past 80% without a renewal", f.evaluate(), map[string]int{"agent_certificate": 1})
			open := f.openAgentCertAlerts()
			overdue, ok := open["agent_certificate|"+f.agent.ID+"|aa02|overdue"]
			if len(open) != 1 || !ok {
				t.Fatalf("open agent certificate alerts %v", open)
			}
			var e notify.Event
			if err := json.Unmarshal([]byte(overdue.Payload), &e); err != nil {
				t.Fatal(err)
			}
			expiry := renewed.Add(life)
			if e.Agent == nil || e.Agent.Name != f.agent.Name || e.NotAfter == nil || !e.NotAfter.Equal(expiry) ||
				!strings.Contains(e.Detail, expiry.Format(time.RFC1123)) || !strings.Contains(e.Detail, "aa02") {
				t.Errorf("event %+v: want it to name the agent, the serial and the expiry %s", e, expiry)
			}
			if h := notify.Headline(e); h != "Agent a client certificate rotation failed or is overdue" {
				t.Errorf("headline %q", h)
			}
			if overdue.NotifiedAt == nil || overdue.AgentID == nil || *overdue.AgentID != f.agent.ID {
				t.Errorf("alert %+v: want it sent, about the agent", overdue)
			}
			want(t, "still overdue", f.evaluate(), nil)

			f.clk.t = expiry
			want(t, "expired", f.evaluate(), map[string]int{"agent_certificate": 1})
			if open := f.openAgentCertAlerts(); len(open) != 2 {
				t.Errorf("after expiry, open %v: want the overdue and the expired alert", open)
			} else {
				var e notify.Event
				_ = json.Unmarshal([]byte(open["agent_certificate|"+f.agent.ID+"|aa02|expired"].Payload), &e)
				if h := notify.Headline(e); h != "Agent a client certificate expired: enroll the agent again" {
					t.Errorf("headline of the expired one %q", h)
				}
			}
			want(t, "still expired", f.evaluate(), nil)

			f.clk.t = f.clk.t.Add(time.Hour)
			f.issueAgentCert("aa03", life, store.CertEnrolled)
			want(t, "enrolled again", f.evaluate(), map[string]int{"resolved": 1})
			if open := f.openAgentCertAlerts(); len(open) != 0 {
				t.Errorf("after enrolling again, still open %v", open)
			}
			for _, a := range f.alerts() {
				var e notify.Event
				_ = json.Unmarshal([]byte(a.Payload), &e)
				if a.Type == notify.TypeResolved && notify.Headline(e) != "Resolved: Agent a (client certificate)" {
					t.Errorf("resolution headline %q", notify.Headline(e))
				}
			}
		})
	}
}

// TestAgentCertificateAlertsFollowTheirAgent: a revoked certificate is no
// longer the agent's, and its alert resolves; another organization's
// agent is not this organization's alert; a rule scoped to other agents
// does not fire.
func TestAgentCertificateAlertsFollowTheirAgent(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			other := newFixtureOn(t, f.st, f.clk, "other@example.com")
			f.watchAgentCerts()
			other.watchAgentCerts()
			f.touch()
			other.touch()
			f.issueAgentCert("bb01", time.Hour, store.CertEnrolled)
			other.issueAgentCert("bb02", time.Hour, store.CertEnrolled)
			f.clk.t = f.clk.t.Add(50 * time.Minute)
			want(t, "overdue, this organization", f.evaluate(), map[string]int{"agent_certificate": 1})
			if n := len(other.openAgentCertAlerts()); n != 0 {
				t.Errorf("evaluating one organization raised %d alerts in another", n)
			}
			want(t, "overdue, the other organization", other.evaluate(), map[string]int{"agent_certificate": 1})

			if err := f.st.RevokeAgentCertificates(f.ctx, f.org.ID, f.agent.ID); err != nil {
				t.Fatal(err)
			}
			want(t, "revoked", f.evaluate(), map[string]int{"resolved": 1})

			second, err := other.st.CreateAgent(other.ctx, other.org.ID, store.Agent{Name: "b", Prefix: "p", TokenHash: "second-" + other.org.ID})
			if err != nil {
				t.Fatal(err)
			}
			other.changeRule(func(r *store.AlertRule) { r.ScopeAll, r.ScopeAgentIDs = false, []string{second.ID} })
			want(t, "out of the rule's scope", other.evaluate(), map[string]int{"resolved": 1})
		})
	}
}

// TestRevokingTheCurrentAgentCertificateResolvesItsAlert: revoking the
// one certificate the agent holds leaves it none to renew, so its overdue
// alert resolves and no other is raised for it.
func TestRevokingTheCurrentAgentCertificateResolvesItsAlert(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.watchAgentCerts()
			f.touch()
			f.issueAgentCert("cc01", time.Hour, store.CertEnrolled)
			f.clk.t = f.clk.t.Add(50 * time.Minute)
			want(t, "overdue", f.evaluate(), map[string]int{"agent_certificate": 1})
			if _, err := f.st.RevokeAgentCertificate(f.ctx, f.org.ID, f.agent.ID, "cc01"); err != nil {
				t.Fatal(err)
			}
			want(t, "its certificate revoked", f.evaluate(), map[string]int{"resolved": 1})
			f.clk.t = f.clk.t.Add(2 * time.Hour)
			f.touch()
			want(t, "later, with no certificate", f.evaluate(), nil)
		})
	}
}

// watchAgentCerts makes the rule send agent certificate alerts and
// their resolution only, whatever else the agent does.
func (f *fixture) watchAgentCerts() {
	f.changeRule(func(r *store.AlertRule) { r.Events = []string{notify.TypeAgentCertificate, notify.TypeResolved} })
}

// touch marks the fixture's agent seen now.
func (f *fixture) touch() {
	f.t.Helper()
	if err := f.st.TouchAgent(f.ctx, f.org.ID, f.agent.ID, "1.0", "10.0.0.1"); err != nil {
		f.t.Fatal(err)
	}
}
