package alerts

import (
	"fmt"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// agentCertificates: an agent whose client certificate is past its
// renewal deadline (store.RenewalOverdue of its lifetime; agents renew at
// two thirds) failed to rotate it; one whose certificate expired must
// enroll again. Each fires once per certificate and resolves when the
// agent holds a new one; once expired, the overdue event stays open
// quietly beside the expired one.
func agentCertificates(rule store.AlertRule, in store.EvalInput, org store.Organization) []condition {
	var out []condition
	for _, a := range in.AgentCerts {
		if a.OrganizationID != rule.OrganizationID || !agentInScope(rule, a.ID) || a.CertNotAfter == nil || a.CertRenewBy == nil {
			continue
		}
		notAfter := a.CertNotAfter.UTC().Format(time.RFC1123)
		expired := !a.CertNotAfter.After(in.Now)
		add := func(state, detail string, quiet bool) {
			e := notify.Event{Type: notify.TypeAgentCertificate, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
				Agent: &notify.AgentRef{ID: a.ID, Name: a.Name, LastSeenAt: a.LastSeenAt}, NotAfter: a.CertNotAfter, Detail: detail}
			out = append(out, condition{key: fmt.Sprintf("agent_certificate|%s|%s|%s", a.ID, a.CertSerial, state), event: e,
				agentID: a.ID, state: store.AlertOpen, quiet: quiet})
		}
		add("overdue", fmt.Sprintf("The agent's client certificate (serial %s) was not renewed: rotation was expected by %s, and it expires on %s. The agent's log says why its renewals fail.",
			a.CertSerial, a.CertRenewBy.UTC().Format(time.RFC1123), notAfter), expired)
		if expired {
			add("expired", fmt.Sprintf("The agent's client certificate (serial %s) expired on %s: the agent cannot authenticate with it any more and must enroll again with a new join token.",
				a.CertSerial, notAfter), false)
		}
	}
	return out
}
