package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

// Input is one observed chain and what to judge it against.
type Input struct {
	Chain []*Cert // as presented, leaf first
	Host  string  // the target: DNS name in punycode, or IP literal
	SNI   string  // when set, the name to match instead of Host
	Now   time.Time

	Roots    *x509.CertPool // system roots, loaded once by the caller; nil = none
	OrgRoots *x509.CertPool // the organization's own CA bundles; nil = none
	// OrgRootsID names OrgRoots' contents (PoolID) for the Cache, so that
	// a pool built again from the same certificates finds what the first
	// verified; zero with a pool: the chain is not cached.
	OrgRootsID [sha256.Size]byte
	// Known optionally looks up an inventory certificate by subject key ID
	// (lower-case hex), to tell whether a missing intermediate is known.
	Known func(aki string) *Cert

	TLSVersion string // as tls.VersionName prints it; optional
	Policy     Policy
	Cache      *Cache // optional: remembers chains that verified
	// Window, when set, is the renewal window the issuing CA suggests for
	// the leaf (ACME Renewal Information); it replaces the estimate.
	Window *lifecycle.Window
	// Revoked holds, by SHA-256, the certificates known to be revoked
	// among those of the chain; nil = none known.
	Revoked map[string]Revocation
}

// Verdict is everything Judge concludes about one observation.
type Verdict struct {
	Status   lifecycle.Status    `json:"status"`   // ok | due | expiring | invalid | expired
	Problems []lifecycle.Problem `json:"problems"` // in lifecycle.Problems order

	DaysLeft     int            `json:"days_left"` // of the leaf; Deadline has the chain's
	Deadline     Deadline       `json:"deadline"`
	Chain        []CertValidity `json:"chain"`
	Expired      bool           `json:"expired"` // the leaf or any presented certificate
	NotYetValid  bool           `json:"not_yet_valid"`
	ClockSkew    bool           `json:"clock_skew"` // not yet valid by less than a few minutes
	ValidityNote string         `json:"validity_note,omitempty"`

	Trust Trust `json:"trust"`

	Hostname          string `json:"hostname"` // the name matched; empty when none was given
	HostnameMatch     bool   `json:"hostname_match"`
	HostnameReason    string `json:"hostname_reason"`
	HostnameMatchedBy string `json:"hostname_matched_by,omitempty"`

	WeakCrypto []Finding `json:"weak_crypto"`

	// Revoked lists the certificates of the chain their CA revoked.
	Revoked []RevokedCert `json:"revoked,omitempty"`

	// RenewalWindow is when the leaf is expected to be replaced, UrgentAt
	// when a missing renewal becomes urgent (see lifecycle.NewPlan).
	RenewalWindow  lifecycle.Window `json:"renewal_window"`
	UrgentAt       time.Time        `json:"urgent_at"`
	RenewalOverdue bool             `json:"renewal_overdue"`

	// StableUntil is when judging the chain again may first give another
	// status, trust verdict or problem list (see stableUntil).
	StableUntil time.Time `json:"-"`
}

// Judge judges one presented chain. It never parses: every certificate
// arrives parsed in Input.Chain. An empty chain is judged invalid.
func Judge(in Input) Verdict {
	if len(in.Chain) == 0 {
		return Verdict{
			Status:     lifecycle.StatusInvalid,
			Problems:   []lifecycle.Problem{lifecycle.ProblemUntrusted},
			Trust:      Trust{Status: TrustInvalid, Reason: "no certificate was presented"},
			Chain:      []CertValidity{},
			WeakCrypto: []Finding{},
		}
	}
	leaf := in.Chain[0]
	var v Verdict
	judgeValidity(&v, in.Chain, in.Now)
	var trustUntil time.Time
	v.Trust, trustUntil = judgeTrust(&in)
	v.Hostname = in.Host
	if in.SNI != "" {
		v.Hostname = in.SNI
	}
	if v.Hostname != "" {
		v.HostnameMatch, v.HostnameReason, v.HostnameMatchedBy = matchHostname(leaf.X509, v.Hostname)
	} else {
		v.HostnameReason = "no host name to match"
	}
	v.WeakCrypto = weakCrypto(in.Chain, in.Policy, in.TLSVersion)
	v.Revoked = revokedIn(in.Chain, in.Revoked)
	plan := summarize(&v, &leaf.Facts, &in)
	v.StableUntil = stableUntil(in.Chain, in.Now, trustUntil, plan, in.Policy.Lifecycle().FloorDays)
	return v
}

// summarize plans the chain's renewal and ranks what is wrong with it
// (see lifecycle.State): weak crypto is a problem to alert on, but a chain
// that clients accept is still ok, due or expiring.
func summarize(v *Verdict, leaf *Facts, in *Input) lifecycle.Plan {
	settings := in.Policy.Lifecycle()
	plan := lifecycle.NewPlan(leaf.NotBefore, leaf.NotAfter, v.Deadline.NotAfter, settings, in.Window)
	v.RenewalWindow, v.UrgentAt = plan.Window, plan.UrgentAt
	notYetValid := v.NotYetValid && !v.ClockSkew
	mismatch := v.Hostname != "" && !v.HostnameMatch
	revoked := len(v.Revoked) > 0
	var judged []string
	for _, f := range [...]struct {
		on   bool
		code lifecycle.Problem
	}{
		{revoked, lifecycle.ProblemRevoked},
		{notYetValid, lifecycle.ProblemNotYetValid},
		{!v.Trust.Trusted(), lifecycle.ProblemUntrusted},
		{mismatch, lifecycle.ProblemHostnameMismatch},
		{len(v.WeakCrypto) > 0, lifecycle.ProblemWeakCrypto},
	} {
		if f.on {
			judged = append(judged, string(f.code))
		}
	}
	st := lifecycle.State{Kind: lifecycle.KindValid, Deadline: &plan.Deadline, WindowEnd: &plan.Window.End, UrgentAt: &plan.UrgentAt}
	if revoked || notYetValid || !v.Trust.Trusted() || mismatch {
		st.Kind = lifecycle.KindInvalid
	}
	v.Status = st.Status(in.Now, settings.FloorDays)
	v.Problems = st.Problems(in.Now, settings.FloorDays, judged)
	v.RenewalOverdue = st.Overdue(in.Now)
	return plan
}
