package certs

import (
	"crypto/x509"
	"time"
)

// Summary statuses, as the domain list shows them.
const (
	StatusOK       = "ok"
	StatusExpiring = "expiring"
	StatusInvalid  = "invalid"
	StatusExpired  = "expired"
)

// Problem codes, one per alertable condition.
const (
	ProblemExpired          = "expired"
	ProblemNotYetValid      = "not_yet_valid"
	ProblemUntrusted        = "untrusted"
	ProblemHostnameMismatch = "hostname_mismatch"
	ProblemWeakCrypto       = "weak_crypto"
	ProblemRenewalOverdue   = "renewal_overdue"
	ProblemExpiring         = "expiring"
)

// Input is one observed chain and what to judge it against.
type Input struct {
	Chain []*Cert // as presented, leaf first
	Host  string  // the target: DNS name in punycode, or IP literal
	SNI   string  // when set, the name to match instead of Host
	Now   time.Time

	Roots    *x509.CertPool // system roots, loaded once by the caller; nil = none
	OrgRoots *x509.CertPool // the organization's own CA bundles; nil = none
	// Known optionally looks up an inventory certificate by subject key ID
	// (lower-case hex), to tell whether a missing intermediate is known.
	Known func(aki string) *Cert

	TLSVersion string // as tls.VersionName prints it; optional
	Policy     Policy
	Cache      *Cache // optional: remembers chains that verified
}

// Verdict is everything Judge concludes about one observation.
type Verdict struct {
	Status   string   `json:"status"`   // ok | expiring | invalid | expired
	Problems []string `json:"problems"` // Problem* codes, in a fixed order

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

	RenewBy        time.Time `json:"renew_by,omitzero"`
	RenewalOverdue bool      `json:"renewal_overdue"`
}

// Judge judges one presented chain. It never parses: every certificate
// arrives parsed in Input.Chain. An empty chain is judged invalid.
func Judge(in Input) Verdict {
	if len(in.Chain) == 0 {
		return Verdict{
			Status:     StatusInvalid,
			Problems:   []string{ProblemUntrusted},
			Trust:      Trust{Status: TrustInvalid, Reason: "no certificate was presented"},
			Chain:      []CertValidity{},
			WeakCrypto: []Finding{},
		}
	}
	leaf := in.Chain[0]
	var v Verdict
	judgeValidity(&v, in.Chain, in.Now)
	v.Trust = judgeTrust(&in)
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
	judgeRenewal(&v, &leaf.Facts, in.Now, in.Policy.RenewAfterFraction)
	v.Status, v.Problems = summarize(&v, in.Now, in.Policy)
	return v
}

// summarize ranks the verdicts: an expired chain is the most urgent news,
// then one that clients reject today, then one about to expire. Weak
// crypto and overdue renewal are problems to alert on, but a chain that
// clients accept is still "ok" or "expiring".
func summarize(v *Verdict, now time.Time, p Policy) (string, []string) {
	problems := []string{}
	notYetValid := v.NotYetValid && !v.ClockSkew
	expiring := !v.Expired && v.Deadline.NotAfter.Sub(now) <= time.Duration(p.ExpiringDays)*day
	flags := [...]struct {
		on   bool
		code string
	}{
		{v.Expired, ProblemExpired},
		{notYetValid, ProblemNotYetValid},
		{!v.Trust.Trusted(), ProblemUntrusted},
		{v.Hostname != "" && !v.HostnameMatch, ProblemHostnameMismatch},
		{len(v.WeakCrypto) > 0, ProblemWeakCrypto},
		{v.RenewalOverdue, ProblemRenewalOverdue},
		{expiring, ProblemExpiring},
	}
	for _, f := range flags {
		if f.on {
			problems = append(problems, f.code)
		}
	}
	switch {
	case v.Expired:
		return StatusExpired, problems
	case notYetValid || !v.Trust.Trusted() || (v.Hostname != "" && !v.HostnameMatch):
		return StatusInvalid, problems
	case expiring:
		return StatusExpiring, problems
	}
	return StatusOK, problems
}
