package notify

// Severity is how urgent an event is, for routing (urgent problems to on-call, the rest
// to chat) and for the providers that carry one (PagerDuty, Opsgenie priorities).
type Severity string

const (
	SeverityCritical Severity = "critical" // broken now, or about to be: page someone
	SeverityWarning  Severity = "warning"  // needs action within days
	SeverityInfo     Severity = "info"     // worth knowing; nothing to do
)

// criticalDaysLeft is when an expiring certificate becomes urgent.
const criticalDaysLeft = 3

// SeverityOf rates an event. A resolution has the severity of what it resolves, so it
// is routed where the problem was.
func SeverityOf(e Event) Severity {
	typ := e.Type
	if typ == TypeResolved {
		typ = e.Resolves
	}
	switch typ {
	case TypeExpired, TypeInvalidChain, TypeHostnameMismatch, TypeUnreachable, TypeAgentOffline:
		return SeverityCritical
	case TypeExpiring:
		if e.DaysLeft != nil && *e.DaysLeft <= criticalDaysLeft {
			return SeverityCritical
		}
		return SeverityWarning
	case TypeRenewalOverdue, TypeRenewalWindowMovedEarlier, TypeWeakCrypto, TypeCRLHealth, TypeAgentCertificate, TypeStaleBackend:
		return SeverityWarning
	}
	return SeverityInfo
}
