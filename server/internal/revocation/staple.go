package revocation

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Stapler verifies the OCSP responses an organization's servers staple,
// against the issuer their chains present or one of the trusted roots.
// Make one per batch of results: it keeps the organization's pool.
type Stapler struct {
	orgID string
	roots *anchors
}

// NewStapler returns a Stapler for the organization whose CA bundles make
// org (nil: none), system being the system's roots (nil: none).
func NewStapler(orgID string, system, org *x509.CertPool) *Stapler {
	return &Stapler{orgID: orgID, roots: &anchors{system: system, orgs: map[string]*x509.CertPool{orgID: org}}}
}

// Verify reads staple, the OCSP response (DER) stapled with leaf, next
// being the certificate presented after it (nil: none). A staple that is
// not trusted is unavailable, Why saying why in words that follow "the
// server staples an OCSP response that does not verify: ".
func (s *Stapler) Verify(ctx context.Context, staple []byte, leaf, next *x509.Certificate, now time.Time) (Status, error) {
	issuer, err := s.roots.issuerOf(ctx, s.orgID, leaf, next, now)
	if err != nil {
		return Status{}, err
	}
	if issuer == nil {
		return unavailable(SourceStapled, "the certificate's issuer is neither served with it nor among the trusted roots"), nil
	}
	return readAnswer(staple, leaf, issuer, now, SourceStapled), nil
}

// StapleOf reads the staple a result carries (ok false when none): key
// is what identifies it (its DER when it decodes), and bad, when its State
// is set, says why it cannot be verified at all.
func StapleOf(r wire.Result) (key []byte, bad Status, ok bool) {
	tooLarge := func(n int) Status {
		return unavailable(SourceStapled, fmt.Sprintf("it is %d bytes, more than the %s Certinel reads", n, size(wire.MaxOCSPStaple)))
	}
	switch {
	case r.OCSPStapleDropped > 0:
		return nil, tooLarge(r.OCSPStapleDropped), true
	case r.OCSPStaple == "":
		return nil, Status{}, false
	case base64.StdEncoding.DecodedLen(len(r.OCSPStaple)) > wire.MaxOCSPStaple+2:
		return []byte(r.OCSPStaple), tooLarge(base64.StdEncoding.DecodedLen(len(r.OCSPStaple))), true
	}
	der, err := base64.StdEncoding.DecodeString(r.OCSPStaple)
	if err != nil {
		return []byte(r.OCSPStaple), unavailable(SourceStapled, "it is not valid base64"), true
	}
	if len(der) > wire.MaxOCSPStaple {
		return der, tooLarge(len(der)), true
	}
	return der, Status{}, true
}

// StapleUnchanged tells whether staple is the one rs last recorded and
// what it said still holds, so that it needs no verifying again: ingest
// sees the same staple on every check until the server fetches a new one.
func StapleUnchanged(rs store.RevocationStatus, staple []byte, now time.Time) bool {
	return rs.StapleSHA256 == stapleHash(staple) && rs.StapleRecheckAt != nil && now.Before(*rs.StapleRecheckAt)
}

// RecordStaple sets on the stored status what verifying staple found. A
// staple not trusted changes nothing but the staple's error. A trusted one
// is recorded like a fetched answer, unless the stored answer is a later
// one (by its this-update time).
func RecordStaple(rs *store.RevocationStatus, staple []byte, st Status, now time.Time) {
	rs.StapleSHA256 = stapleHash(staple)
	if rs.State == "" { // no row yet: the certificate was not served before
		rs.State, rs.NextCheckAt = string(StatePending), now
	}
	if st.State == StateUnavailable {
		// Verified again after MinRecheck even when unchanged: an answer
		// from the future may have become current.
		rs.StapleError = safetext.Fit(st.Why, maxErrorText)
		rs.StapleRecheckAt = timePtr(now.Add(MinRecheck))
		return
	}
	rs.StapleError = ""
	recheck := st.NextUpdate
	if recheck.IsZero() {
		recheck = now.Add(MaxRecheck)
	}
	rs.StapleRecheckAt = &recheck
	if answered(*rs) && rs.ThisUpdate != nil && rs.ThisUpdate.After(st.ThisUpdate) {
		return
	}
	record(rs, st, now)
}

// ForgetStaple clears what the stored status says of a staple the server
// no longer sends, so that an error about it is not shown for ever. What
// a trusted staple answered stays, as the answer it was.
func ForgetStaple(rs *store.RevocationStatus) {
	rs.StapleSHA256, rs.StapleError, rs.StapleRecheckAt = "", "", nil
}

// answered tells whether the stored status is an answer of a source.
func answered(rs store.RevocationStatus) bool {
	switch State(rs.State) {
	case StateGood, StateRevoked, StateUnknown:
		return true
	}
	return false
}

// stapleHash keys a staple: the SHA-256 of its bytes, in hex.
func stapleHash(staple []byte) string {
	h := sha256.Sum256(staple)
	return hex.EncodeToString(h[:])
}
