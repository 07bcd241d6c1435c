package notify

import (
	"time"

	"certinel.dev/server/internal/lifecycle"
)

// SchemaVersion is the version of the Event JSON, stored in outbox payloads and sent as
// "version" in webhook bodies. Adding an optional field keeps it; renaming, removing or
// changing the meaning of one bumps it, because receivers parse it.
const SchemaVersion = 1

// Event types, as lifecycle names them. Resolved carries the type it
// resolves in Event.Resolves; Test is what POST /channels/:id/test sends.
const (
	TypeExpiring         = string(lifecycle.EventExpiring)
	TypeExpired          = string(lifecycle.EventExpired)
	TypeChanged          = string(lifecycle.EventChanged)
	TypeUnreachable      = string(lifecycle.EventUnreachable)
	TypeInvalidChain     = string(lifecycle.EventInvalidChain)
	TypeHostnameMismatch = string(lifecycle.EventHostnameMismatch)
	TypeWeakCrypto       = string(lifecycle.EventWeakCrypto)
	TypeRenewalOverdue   = string(lifecycle.EventRenewalOverdue)
	// TypeRenewalWindowMovedEarlier: the issuing CA moved its suggested
	// renewal window (ACME Renewal Information) earlier, as CAs do before
	// revoking a certificate.
	TypeRenewalWindowMovedEarlier = string(lifecycle.EventRenewalWindowMovedEarlier)
	TypeAgentOffline              = string(lifecycle.EventAgentOffline)
	TypeAgentCertificate          = string(lifecycle.EventAgentCertificate)
	TypeCRLHealth                 = string(lifecycle.EventCRLHealth)
	TypeStaleBackend              = string(lifecycle.EventStaleBackend)
	TypeResolved                  = string(lifecycle.EventResolved)
	TypeTest                      = string(lifecycle.EventTest)
	// TypeInvitation carries an invitation link to a new member.
	TypeInvitation = string(lifecycle.EventInvitation)
	// TypePasswordReset carries a password reset link to a user.
	TypePasswordReset = string(lifecycle.EventPasswordReset)
)

// Event is one alert occurrence, as stored in the outbox payload and sent to webhooks.
// It is self-contained (names, not just IDs) so a message can be rendered long after the
// domain or agent was renamed or deleted.
type Event struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Resolves     string          `json:"resolves,omitempty"`
	Organization OrganizationRef `json:"organization"`
	Domain       *DomainRef      `json:"domain,omitempty"`
	Agent        *AgentRef       `json:"agent,omitempty"`
	Threshold    *int            `json:"threshold_days,omitempty"`
	DaysLeft     *int            `json:"days_left,omitempty"`
	NotAfter     *time.Time      `json:"not_after,omitempty"`
	SHA256       string          `json:"sha256,omitempty"`
	OldSHA256    string          `json:"old_sha256,omitempty"`
	// SuggestedWindow is the issuing CA's renewal window (ACME Renewal Information) and
	// ExplanationURL the page where the CA says why it changed.
	SuggestedWindow *Window `json:"suggested_window,omitempty"`
	ExplanationURL  string  `json:"explanation_url,omitempty"`
	// Detail is one human sentence: the connection error, why the chain is not trusted,
	// the weak finding...
	Detail string `json:"detail,omitempty"`
	// Problem is the problem that raised an invalid_chain event when it is
	// not distrust: revoked.
	Problem string `json:"problem,omitempty"`
	// RevocationSource names the CRL a crl_health event is about; Problem
	// then says what is wrong with it (stale, expiring, stalled,
	// regressed).
	RevocationSource *RevocationSourceRef `json:"revocation_source,omitempty"`
	// Count is how many endpoints an agent's outage covers.
	Count int `json:"count,omitempty"`
	// Reminder marks a repeated notice of an event still open.
	Reminder bool `json:"reminder,omitempty"`
	// URL is the event's page in the dashboard, for events that have no
	// domain page (an agent's outage lists its endpoints there).
	URL        string    `json:"url,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Window is a time range, such as a CA's suggested renewal window.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// OrganizationRef names the organization the event belongs to.
type OrganizationRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DomainRef names the monitored endpoint; URL is its page in the dashboard.
type DomainRef struct {
	ID       string `json:"id"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	URL      string `json:"url,omitempty"`
}

// RevocationSourceRef names a CRL (kind crl) or OCSP responder (ocsp).
type RevocationSourceRef struct {
	Kind   string `json:"kind"`
	URL    string `json:"url"`
	Issuer string `json:"issuer,omitempty"`
}

// AgentRef names the agent that checked the domain, or that went offline.
type AgentRef struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	LastSeenAt *time.Time `json:"last_seen_at,omitempty"`
}
