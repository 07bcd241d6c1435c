package revocation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"golang.org/x/crypto/ocsp"
)

// clockSkew tolerates a responder whose clock runs a little ahead.
const clockSkew = 5 * time.Minute

// ocsp asks the responder at u, by POST (RFC 6960 appendix A.1), and
// verifies the answer was signed by the issuer or by a responder the
// issuer delegated to.
func (c *Checker) ocsp(ctx context.Context, u string, cert, issuer *x509.Certificate) Status {
	what := describe("OCSP responder", u)
	der, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return unavailable(SourceOCSP, fmt.Sprintf("OCSP request could not be made: %v", err))
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(der))
	if err != nil {
		return unavailable(SourceOCSP, fmt.Sprintf("%s: %v", what, err))
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	req.Header.Set("Accept", "application/ocsp-response")
	got, err := c.fetch(ctx, req, maxOCSPResponse, what)
	if err != nil {
		st := unavailable(SourceOCSP, err.Error())
		if refusedAddress(err) {
			st.Refused = []Fetch{{Kind: SourceOCSP, URL: u, Request: der, Why: st.Why}}
		}
		return st
	}
	return c.ocspAnswer(what, got.body, cert, issuer)
}

// ocspAnswer verifies an OCSP response about cert, from what (the
// responder, or the agent that asked it), and reads its answer.
func (c *Checker) ocspAnswer(what string, body []byte, cert, issuer *x509.Certificate) Status {
	st := readAnswer(body, cert, issuer, c.now(), SourceOCSP)
	if st.State == StateUnavailable {
		st.Why = what + ": " + st.Why
	}
	return st
}

// readAnswer verifies an OCSP response (DER) for cert against issuer and
// reads it, from src: signed by the issuer or a responder it delegated to,
// for cert's serial, and current at now. An answer that is not trusted is
// unavailable, Why saying what is wrong with it.
func readAnswer(der []byte, cert, issuer *x509.Certificate, now time.Time, src Source) Status {
	resp, err := ocsp.ParseResponseForCert(der, cert, issuer)
	var re ocsp.ResponseError
	switch {
	case errors.As(err, &re):
		return unavailable(src, fmt.Sprintf("the responder refused to answer (%s)", re.Status))
	case err != nil:
		return unavailable(src, fmt.Sprintf("the answer does not verify: %v", err))
	}
	if why := delegationProblem(resp, issuer, now); why != "" {
		return unavailable(src, why)
	}
	if resp.ThisUpdate.After(now.Add(clockSkew)) {
		return unavailable(src, fmt.Sprintf("the answer is from the future (%s)", resp.ThisUpdate.UTC().Format(time.RFC3339)))
	}
	if !resp.NextUpdate.IsZero() && resp.NextUpdate.Before(now) {
		return unavailable(src, fmt.Sprintf("the answer expired on %s", resp.NextUpdate.UTC().Format(time.RFC3339)))
	}
	st := Status{Source: src, ThisUpdate: resp.ThisUpdate.UTC(), NextUpdate: resp.NextUpdate.UTC()}
	switch resp.Status {
	case ocsp.Good:
		st.State = StateGood
	case ocsp.Revoked:
		st.State, st.RevokedAt, st.Reason = StateRevoked, resp.RevokedAt.UTC(), ReasonName(resp.RevocationReason)
	default:
		st.State = StateUnknown
	}
	return st
}

// delegationProblem checks what the library leaves to its caller: a
// responder certificate other than the issuer's must be one the issuer
// made for signing OCSP answers (RFC 6960 section 4.2.2.2).
func delegationProblem(resp *ocsp.Response, issuer *x509.Certificate, now time.Time) string {
	rc := resp.Certificate
	switch {
	case rc == nil || bytes.Equal(rc.Raw, issuer.Raw):
		return ""
	case !slices.Contains(rc.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning):
		return "the responder's certificate is not authorized to sign OCSP answers"
	case now.Before(rc.NotBefore) || now.After(rc.NotAfter):
		return "the responder's certificate is outside its validity period"
	}
	return ""
}
