package certs

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// Trust statuses.
const (
	TrustTrusted          = "trusted"           // builds to the system roots
	TrustTrustedOrgCA     = "trusted_org_ca"    // builds only to the organization's own CAs
	TrustSelfSigned       = "self_signed"       // the leaf signs itself and is in no pool
	TrustUnknownAuthority = "unknown_authority" // the chain ends at a root nobody here trusts
	TrustIncompleteChain  = "incomplete_chain"  // the server does not send an intermediate
	TrustExpiredChain     = "expired_chain"     // no instant exists at which the whole chain is valid
	TrustInvalid          = "invalid"           // anything else: bad signature, constraints, ...
)

// Trust says whether the chain builds to a trusted root. It is judged at
// VerifiedAt, an instant inside the presented certificates' validity, so
// that an expired but otherwise fine chain reads "trusted" + expired rather
// than just "untrusted".
type Trust struct {
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Anchor     string    `json:"anchor,omitempty"` // common name (or subject) of the root the chain builds to
	VerifiedAt time.Time `json:"verified_at,omitzero"`

	// Set for incomplete chains (and unknown authorities): the issuer that
	// the topmost presented certificate names but nobody sent.
	MissingIssuer string `json:"missing_issuer,omitempty"`
	MissingAKI    string `json:"missing_aki,omitempty"`
	// MissingKnown: the inventory holds the missing issuer (Input.Known).
	// ValidWithKnown: adding it as an intermediate makes the chain verify,
	// so the fix is a server configuration change, not a new certificate.
	MissingKnown   bool `json:"missing_known"`
	ValidWithKnown bool `json:"valid_with_known"`
}

// Trusted reports whether the chain builds to any trusted root.
func (t Trust) Trusted() bool {
	return t.Status == TrustTrusted || t.Status == TrustTrustedOrgCA
}

// anyUsage is never written after initialization; x509 only reads it.
var anyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}

// judgeTrust also returns until when the verification holds: a verified
// chain's validity as a whole, or how long a failure is reused.
func judgeTrust(in *Input) (Trust, time.Time) {
	chain := in.Chain
	at := verifyTime(chain, in.Now)
	key, cacheable := newCacheKey(in)
	cacheable = cacheable && in.Cache != nil
	e, hit := cacheEntry{}, false
	if cacheable {
		e, hit = in.Cache.get(key, at)
	}
	if !hit {
		linked := false
		if cacheable {
			e, linked = in.Cache.viaLink(in, at)
		}
		if !linked {
			e = verifyChain(in, at)
		}
		if cacheable {
			in.Cache.put(key, e)
		}
	}
	t := e.trust
	t.VerifiedAt = at
	if !t.Trusted() && t.MissingAKI != "" && in.Known != nil {
		tryKnown(&t, in, intermediates(chain), at)
	}
	return t, e.until
}

// verifyChain verifies the presented chain at the instant at, and diagnoses
// a failure. A chain that verifies teaches in.Cache where its leaf hangs.
func verifyChain(in *Input, at time.Time) cacheEntry {
	chain := in.Chain
	status, verified, sysBuiltNone, err := verify(chain[0].X509, intermediates(chain), in.Roots, in.OrgRoots, at)
	if err == nil {
		if in.Cache != nil {
			in.Cache.putLink(in, status, verified, sysBuiltNone)
		}
		return newCacheEntry(status, verified)
	}
	until := at.Add(failureTTL)
	if _, end := validity(chain); end.Before(until) {
		until = end
	}
	return cacheEntry{trust: diagnose(chain, err), from: at, until: until}
}

// intermediates pools the presented certificates above the leaf. Presented
// roots are left out: a root is trusted only from a pool, and offering it as
// an intermediate too makes x509 check one more signature per chain.
func intermediates(chain []*Cert) *x509.CertPool {
	var pool *x509.CertPool
	for _, c := range chain[1:] {
		if c.Facts.SelfSigned {
			continue
		}
		if pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AddCert(c.X509)
	}
	return pool
}

// verify tries the system roots first, then the organization's CAs, and
// returns the chain that verified. A nil pool means "none": x509 would read
// nil as "the system roots", which is not what an organization without a
// bundle means. sysBuiltNone says the system roots gave no chain at all
// (none, or an unknown authority), as opposed to chains they rejected.
func verify(leaf *x509.Certificate, inter, roots, orgRoots *x509.CertPool, at time.Time) (status string, chain []*x509.Certificate, sysBuiltNone bool, err error) {
	if roots == nil && orgRoots == nil {
		return "", nil, true, errNoRoots
	}
	opts := x509.VerifyOptions{Intermediates: inter, CurrentTime: at, KeyUsages: anyUsage}
	var sysErr error
	if roots != nil {
		opts.Roots = roots
		chains, err := leaf.Verify(opts)
		if err == nil {
			return TrustTrusted, chains[0], false, nil
		}
		if orgRoots == nil {
			return "", nil, isUnknownAuthority(err), err
		}
		sysErr = err
	}
	sysBuiltNone = sysErr == nil || isUnknownAuthority(sysErr)
	opts.Roots = orgRoots
	chains, err := leaf.Verify(opts)
	if err == nil {
		return TrustTrustedOrgCA, chains[0], sysBuiltNone, nil
	}
	// "Unknown authority" from one pool says less than a specific failure
	// (expired, constraints) from the other.
	if !sysBuiltNone {
		return "", nil, false, sysErr
	}
	return "", nil, true, err
}

var errNoRoots = errors.New("no trusted roots configured")

// newCacheEntry names the anchor by its common name, falling back to the
// full subject, and records when the verified chain is valid as a whole.
func newCacheEntry(status string, verified []*x509.Certificate) cacheEntry {
	root := verified[len(verified)-1]
	e := cacheEntry{trust: Trust{Status: status, Anchor: root.Subject.CommonName}, from: root.NotBefore, until: root.NotAfter}
	if e.trust.Anchor == "" {
		e.trust.Anchor = root.Subject.String()
	}
	for _, c := range verified {
		if c.NotBefore.After(e.from) {
			e.from = c.NotBefore
		}
		if c.NotAfter.Before(e.until) {
			e.until = c.NotAfter
		}
	}
	return e
}

func isUnknownAuthority(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// verifyTime picks the instant to verify at: now when the whole presented
// chain is valid, otherwise the nearest instant at which it is.
func verifyTime(chain []*Cert, now time.Time) time.Time {
	from, until := validity(chain)
	switch {
	case now.Before(from):
		return from
	case now.After(until):
		return until
	}
	return now
}

// validity is the window in which every presented certificate is valid.
// When the windows do not overlap there is no such instant, and the leaf's
// own window is used: verifying inside it makes x509 report the chain as
// expired.
func validity(chain []*Cert) (from, until time.Time) {
	from, until = chain[0].Facts.NotBefore, chain[0].Facts.NotAfter
	for _, c := range chain[1:] {
		if c.Facts.NotBefore.After(from) {
			from = c.Facts.NotBefore
		}
		if c.Facts.NotAfter.Before(until) {
			until = c.Facts.NotAfter
		}
	}
	if from.After(until) {
		return chain[0].Facts.NotBefore, chain[0].Facts.NotAfter
	}
	return from, until
}

// diagnose turns a verification failure into a status by walking the
// presented chain from the leaf, issuer by issuer, to see where it stops.
func diagnose(chain []*Cert, err error) Trust {
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		if invalid.Reason == x509.Expired {
			return Trust{Status: TrustExpiredChain, Reason: err.Error()}
		}
		return Trust{Status: TrustInvalid, Reason: err.Error()}
	}
	if err != errNoRoots && !isUnknownAuthority(err) {
		return Trust{Status: TrustInvalid, Reason: err.Error()}
	}
	top, t, broken := walk(chain)
	if broken {
		return t
	}
	if top.Facts.SelfSigned {
		if top == chain[0] {
			return Trust{Status: TrustSelfSigned, Reason: "the certificate is signed by itself and is not in any trusted pool"}
		}
		return Trust{Status: TrustUnknownAuthority, Reason: fmt.Sprintf("the chain ends at %q, which is not a trusted root", top.Facts.Subject)}
	}
	t = Trust{MissingIssuer: top.Facts.Issuer, MissingAKI: top.Facts.AuthorityKeyID}
	if top == chain[0] {
		// A lone leaf whose issuer is not a trusted root almost always
		// means the server was configured without its intermediate.
		t.Status = TrustIncompleteChain
		t.Reason = fmt.Sprintf("the issuer %q was not sent and is not a trusted root", top.Facts.Issuer)
		return t
	}
	// Servers normally leave out the root, so a missing top-level issuer
	// is an untrusted root unless the inventory knows it as an intermediate.
	t.Status = TrustUnknownAuthority
	t.Reason = fmt.Sprintf("the issuer %q of the last certificate sent is not a trusted root", top.Facts.Issuer)
	return t
}

// walk follows issuers through the presented chain, which servers do not
// always send in order. It returns the topmost certificate reached, or a
// verdict when certificates named as the issuer were sent but none of them
// signed the child. The walk is bounded by the chain length, so
// cross-signed loops end.
func walk(chain []*Cert) (top *Cert, t Trust, broken bool) {
	cur := 0
	for range len(chain) - 1 {
		if chain[cur].Facts.SelfSigned {
			break
		}
		next, sigErr := parentOf(chain, cur)
		if sigErr != nil {
			return nil, Trust{Status: TrustInvalid, Reason: fmt.Sprintf("%q is not validly signed by the presented issuer: %v",
				chain[cur].Facts.Subject, sigErr)}, true
		}
		if next < 0 {
			break
		}
		cur = next
	}
	return chain[cur], Trust{}, false
}

// parentOf finds the presented certificate that signed chain[child]: -1
// when none carries the issuer's name, and the signature error when some
// do but none verifies.
func parentOf(chain []*Cert, child int) (int, error) {
	var sigErr error
	for j, c := range chain {
		if j == child || !bytes.Equal(c.X509.RawSubject, chain[child].X509.RawIssuer) {
			continue
		}
		err := chain[child].X509.CheckSignatureFrom(c.X509)
		if err == nil {
			return j, nil
		}
		sigErr = err
	}
	return -1, sigErr
}

// tryKnown looks the missing issuer up in the inventory and, when it is an
// intermediate, checks whether the chain would verify with it.
func tryKnown(t *Trust, in *Input, inter *x509.CertPool, at time.Time) {
	known := in.Known(t.MissingAKI)
	if known == nil {
		return
	}
	t.MissingKnown = true
	if known.Facts.SelfSigned {
		t.Status = TrustUnknownAuthority
		t.Reason = fmt.Sprintf("the issuer %q is a root seen in the inventory but not trusted: add it to the organization's CA bundles if it is yours",
			known.Facts.Subject)
		return
	}
	t.Status = TrustIncompleteChain
	if inter == nil {
		inter = x509.NewCertPool()
	} else {
		inter = inter.Clone()
	}
	inter.AddCert(known.X509)
	if _, _, _, err := verify(in.Chain[0].X509, inter, in.Roots, in.OrgRoots, at); err != nil {
		t.Reason = fmt.Sprintf("the intermediate %q (SHA-256 %s) is missing from the chain, and the chain does not verify even with it: %v",
			known.Facts.Subject, known.Facts.SHA256, err)
		return
	}
	t.ValidWithKnown = true
	t.Reason = fmt.Sprintf("the intermediate %q (SHA-256 %s) is missing from the chain; the chain is valid with it",
		known.Facts.Subject, known.Facts.SHA256)
}
