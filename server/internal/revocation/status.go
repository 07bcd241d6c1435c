// Package revocation tells whether a certificate's CA revoked it: from the
// OCSP response its server staples, from the OCSP responder its AIA names,
// otherwise from its CRL distribution point.
// Every answer is verified against the issuing certificate; what cannot be
// fetched or verified is "unavailable", with the reason in words.
package revocation

import (
	"crypto/x509"
	"time"
)

// State is the outcome of a check.
type State string

// States of a check.
const (
	StateGood    State = "good"
	StateRevoked State = "revoked"
	// StateUnknown: the responder answered that it does not know the
	// certificate.
	StateUnknown State = "unknown"
	// StateUnavailable: no answer could be had or trusted; Status.Why says
	// why.
	StateUnavailable State = "unavailable"
	// StatePending: not checked yet. A status row exists from when the
	// organization first serves the certificate, so that the refresher
	// finds what is due by its next check alone.
	StatePending State = "pending"
	// StateWaiting: the answer is at an address only an agent can reach,
	// and it was asked to fetch it; Status.Why says which and where.
	StateWaiting State = "waiting"
)

// Source names where an answer came from.
type Source string

// Sources of an answer.
const (
	SourceOCSP Source = "ocsp"
	SourceCRL  Source = "crl"
	// SourceStapled: the OCSP response the certificate's server stapled in
	// the handshake, verified like one fetched from the responder.
	SourceStapled Source = "stapled"
)

// Status is what is known of one certificate's revocation.
type Status struct {
	State  State
	Source Source // "" when unavailable before any source answered
	// RevokedAt and Reason are set when revoked; Reason is a code of
	// ReasonName ("key_compromise", ...).
	RevokedAt time.Time
	Reason    string
	// ThisUpdate and NextUpdate are the answer's; NextUpdate may be zero.
	ThisUpdate, NextUpdate time.Time
	// Why explains an unavailable or waiting status in words a user reads.
	Why string
	// Refused are the CRLs and responders asked whose address the SSRF
	// guard refused: an agent may fetch them. A status answered from a
	// CRL kept since an agent pushed it has them too.
	Refused []Fetch
}

// Fetch is a CRL or OCSP answer the server could not fetch itself: its
// address is private. Request is the DER OCSP request; Why the refusal.
type Fetch struct {
	Kind    Source
	URL     string
	Request []byte
	Why     string
}

func unavailable(src Source, why string) Status {
	return Status{State: StateUnavailable, Source: src, Why: why}
}

// reasonNames are the CRL reason codes of RFC 5280 section 5.3.1, the same
// in OCSP; 7 is unused.
var reasonNames = map[int]string{
	0:  "unspecified",
	1:  "key_compromise",
	2:  "ca_compromise",
	3:  "affiliation_changed",
	4:  "superseded",
	5:  "cessation_of_operation",
	6:  "certificate_hold",
	8:  "remove_from_crl",
	9:  "privilege_withdrawn",
	10: "aa_compromise",
}

// ReasonName names a reason code; an unknown code is "unspecified".
func ReasonName(code int) string {
	if n, ok := reasonNames[code]; ok {
		return n
	}
	return reasonNames[0]
}

// issuedBy tells whether issuer signed cert: the issuer a chain places
// next may not be the one that issued it.
func issuedBy(cert, issuer *x509.Certificate) bool {
	return issuer != nil && cert.CheckSignatureFrom(issuer) == nil
}
