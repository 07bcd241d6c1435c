// Package lifecycle holds the rules of a certificate's life that every
// part of the server must agree on: the statuses and problem names lists
// show, the event names alerts carry, how days left are counted, when a
// renewal is expected and when a missing one becomes urgent. The store's
// SQL, the judge, the alert evaluator, the API and the metrics all read
// them from here.
package lifecycle

// Status is a domain's summary, the most pressing of its problems.
type Status string

// Statuses, from the least to the most pressing once a chain is known.
const (
	StatusPending     Status = "pending"     // never checked
	StatusOK          Status = "ok"          // inside its healthy window
	StatusDue         Status = "due"         // the renewal window passed without a renewal
	StatusExpiring    Status = "expiring"    // urgent: close to expiry by the lifetime's margin or the floor
	StatusInvalid     Status = "invalid"     // clients reject the chain today
	StatusExpired     Status = "expired"     // a certificate of the chain has expired
	StatusUnreachable Status = "unreachable" // the latest check brought no chain
)

// Statuses lists every status, in the order lists and metrics show them.
var Statuses = []Status{StatusPending, StatusOK, StatusDue, StatusExpiring, StatusExpired, StatusInvalid, StatusUnreachable}

// Problem names one reason a domain is not ok; a domain may have several.
type Problem string

// Problems, in the fixed order a verdict lists them.
const (
	ProblemExpired Problem = "expired"
	// ProblemRevoked: the CA revoked a certificate of the chain.
	ProblemRevoked          Problem = "revoked"
	ProblemNotYetValid      Problem = "not_yet_valid"
	ProblemUntrusted        Problem = "untrusted"
	ProblemHostnameMismatch Problem = "hostname_mismatch"
	ProblemWeakCrypto       Problem = "weak_crypto"
	ProblemRenewalOverdue   Problem = "renewal_overdue"
	ProblemExpiring         Problem = "expiring"
	ProblemUnreachable      Problem = "unreachable"
)

// Problems lists every problem in that order.
var Problems = []Problem{ProblemExpired, ProblemRevoked, ProblemNotYetValid, ProblemUntrusted, ProblemHostnameMismatch,
	ProblemWeakCrypto, ProblemRenewalOverdue, ProblemExpiring, ProblemUnreachable}

// timeDriven problems come and go with the clock alone, so they are taken
// at read time from the stored instants rather than from the verdict of
// the latest check, which only knew the time it was made.
func (p Problem) timeDriven() bool {
	return p == ProblemExpired || p == ProblemRenewalOverdue || p == ProblemExpiring
}

// Event names what an alert is about; rules choose the events they send.
type Event string

// Events of alert rules, and the two the server sends outside of rules.
const (
	EventExpiring         Event = "expiring"
	EventExpired          Event = "expired"
	EventChanged          Event = "changed"
	EventUnreachable      Event = "unreachable"
	EventInvalidChain     Event = "invalid_chain"
	EventHostnameMismatch Event = "hostname_mismatch"
	EventWeakCrypto       Event = "weak_crypto"
	EventRenewalOverdue   Event = "renewal_overdue"
	// EventRenewalWindowMovedEarlier: the issuing CA moved its suggested
	// renewal window (ACME Renewal Information) earlier, as before a
	// revocation.
	EventRenewalWindowMovedEarlier Event = "renewal_window_moved_earlier"
	EventAgentOffline              Event = "agent_offline"
	EventAgentCertificate          Event = "agent_certificate" // not renewed in time, or expired
	EventCRLHealth                 Event = "crl_health"        // a CRL certificates need is stale, expiring, stalled or went backwards
	// EventStaleBackend: a backend of a load-balanced name still serves an
	// older certificate than another backend does ("failed uptake").
	EventStaleBackend  Event = "stale_backend"
	EventResolved      Event = "resolved"
	EventTest          Event = "test"
	EventInvitation    Event = "invitation"
	EventPasswordReset Event = "password_reset"
)

// RuleEvents lists the events a rule may choose.
var RuleEvents = []Event{EventExpiring, EventExpired, EventChanged, EventUnreachable, EventInvalidChain,
	EventHostnameMismatch, EventWeakCrypto, EventRenewalOverdue, EventRenewalWindowMovedEarlier, EventAgentOffline, EventAgentCertificate, EventCRLHealth, EventStaleBackend, EventResolved}

// Names spells typed names as strings, for SQL, JSON lists and messages.
func Names[T ~string](xs ...T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
