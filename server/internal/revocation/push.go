package revocation

import (
	"context"
	"crypto/x509"
	"fmt"
	"maps"
	"slices"

	"certinel.dev/server/internal/store"
)

// maxPushChecks bounds the certificates one pushed CRL updates at once;
// the rest are updated by the refresher, from the kept CRL.
const maxPushChecks = 1000

// ApplyPush verifies what an agent (agentName) pushed for the fetch f it
// was asked, the raw answer of f's URL or why it got none (fetchErr), and
// records it as the refresher would have had it fetched the URL itself:
// the status of every certificate of the organization naming the URL, and
// the URL's health. What does not verify leaves those certificates
// unavailable with the reason, and nothing else.
func (r *Refresher) ApplyPush(ctx context.Context, f store.RevocationFetch, agentName string, body []byte, fetchErr string) error {
	var err error
	if f.Kind == string(SourceOCSP) {
		err = r.applyOCSP(ctx, f, agentName, body, fetchErr)
	} else {
		err = r.applyCRL(ctx, f, agentName, body, fetchErr)
	}
	if err != nil {
		return fmt.Errorf("revocation: push for %s: %w", f.URL, err)
	}
	return nil
}

// pushProblem is why a push carries no usable answer, "" when it may.
func pushProblem(kind, agentName, u string, body []byte, fetchErr string, limit int) string {
	what := fmt.Sprintf("agent %s fetching the %s", agentName, describe(kind, u))
	switch {
	case fetchErr != "":
		return fmt.Sprintf("%s got no answer: %s", what, fetchErr)
	case len(body) > limit:
		return fmt.Sprintf("%s sent more than %s", what, size(int64(limit)))
	case len(body) == 0:
		return what + " sent nothing"
	}
	return ""
}

func (r *Refresher) applyCRL(ctx context.Context, f store.RevocationFetch, agentName string, body []byte, fetchErr string) error {
	why := pushProblem("CRL at", agentName, f.URL, body, fetchErr, maxCRL)
	var parsed *parsedCRL
	if why == "" {
		var err error
		if parsed, err = parseCRL(body); err != nil {
			why = fmt.Sprintf("the CRL agent %s fetched from %s %v", agentName, f.URL, err)
		}
	}
	checks, err := r.Store.RevocationChecksNaming(ctx, f.OrganizationID, string(SourceCRL), f.URL, maxPushChecks)
	if err != nil {
		return err
	}
	roots := r.anchors()
	verified := false
	var results []store.RevocationStatus
	changed := false
	for _, c := range checks {
		if ocspAnswered(c.Known) {
			// The responder's answer stands, as in a check, where OCSP
			// comes first: the CRL and it may arrive in any order.
			results = append(results, c.Known)
			continue
		}
		cert, issuer, st, err := r.subject(ctx, roots, c)
		if err != nil {
			return err
		}
		switch {
		case cert == nil:
		case why != "":
			st = unavailable(SourceCRL, why)
		case !issuedBy(cert, issuer):
			st = unavailable(SourceCRL, "its issuer's certificate is neither served with it nor among the trusted roots, so the CRL cannot be verified")
		default:
			st = parsed.status(cert, issuer, r.Store.Now())
			verified = verified || parsed.verify(issuer) == nil
		}
		rs, flipped, err := r.save(ctx, c, cert, st)
		if err != nil {
			return err
		}
		results, changed = append(results, rs), changed || flipped
	}
	pass := r.Checker.NewPass()
	e := &passCRL{why: why, agentID: f.AgentID}
	e.once.Do(func() {})
	switch {
	case verified:
		e.crl = r.Checker.keepPushed(f.URL, parsed, f.AgentID)
	case why == "":
		e.why = fmt.Sprintf("the CRL agent %s fetched from %s does not verify against the issuer of any certificate naming it", agentName, f.URL)
	}
	pass.crls[f.URL] = e
	return r.settle(ctx, pass, results, changed)
}

// ocspAnswered tells whether a certificate's status is an OCSP answer.
func ocspAnswered(rs store.RevocationStatus) bool {
	return rs.Source == string(SourceOCSP) && rs.State != string(StateUnavailable) && rs.State != string(StateWaiting) && rs.State != ""
}

func (r *Refresher) applyOCSP(ctx context.Context, f store.RevocationFetch, agentName string, body []byte, fetchErr string) error {
	c, err := r.Store.RevocationCheckOf(ctx, f.OrganizationID, f.CertSHA256)
	if err != nil {
		return nil // no longer served: nothing to answer for
	}
	cert, issuer, st, err := r.subject(ctx, r.anchors(), c)
	if err != nil {
		return err
	}
	if cert != nil {
		if why := pushProblem("OCSP responder", agentName, f.URL, body, fetchErr, maxOCSPResponse); why != "" {
			st = unavailable(SourceOCSP, why)
		} else {
			st = r.Checker.ocspAnswer(fmt.Sprintf("agent %s asking the %s", agentName, describe("OCSP responder", f.URL)), body, cert, issuer)
		}
	}
	rs, flipped, err := r.save(ctx, c, cert, st)
	if err != nil {
		return err
	}
	pass := r.Checker.NewPass()
	pass.responders[f.URL] = &responderSeen{answered: st.State != StateUnavailable, why: st.Why, agentID: f.AgentID}
	return r.settle(ctx, pass, []store.RevocationStatus{rs}, flipped)
}

// settle records the health of the sources a push answered for and tells
// of a certificate that turned revoked or back.
func (r *Refresher) settle(ctx context.Context, pass *Pass, results []store.RevocationStatus, changed bool) error {
	used := usedSources{}
	orgs := map[string]bool{}
	for _, rs := range results {
		used.add(rs)
		orgs[rs.OrganizationID] = true
	}
	if err := r.saveSources(ctx, pass, used); err != nil {
		return err
	}
	if changed && r.Changed != nil {
		for _, orgID := range slices.Sorted(maps.Keys(orgs)) {
			if err := r.Changed(ctx, orgID); err != nil {
				return err
			}
		}
	}
	return nil
}

// anchors are where issuers not served with their certificates are
// looked for, kept for one tick or push.
func (r *Refresher) anchors() *anchors {
	return &anchors{system: r.Roots, orgRoots: r.OrgRoots, orgs: map[string]*x509.CertPool{}}
}
